package dev.opensigma.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void readsThePostgresForm() {
        ConnectionInfo info = DatabaseUrl.parse("postgres://ann:p%40ss%3Aword@db.example.com:6543/mirror?sslmode=require");
        assertThat(info.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/mirror?sslmode=require");
        assertThat(info.user()).isEqualTo("ann");
        assertThat(info.password()).isEqualTo("p@ss:word");
    }

    @Test
    void defaultsPortAndDatabase() {
        ConnectionInfo info = DatabaseUrl.parse("postgresql://ann@localhost");
        assertThat(info.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
        assertThat(info.password()).isNull();
    }

    @Test
    void passesJdbcUrlsThrough() {
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h:1/d?user=u").jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/d?user=u");
    }

    @Test
    void refusesOtherSchemesWithoutEchoingThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:hunter2@h/db"))
                .hasMessageContaining("postgres://")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void redactsPasswords() {
        assertThat(DatabaseUrl.redact("postgresql://ann:secret@h:5432/db")).isEqualTo("postgresql://ann:***@h:5432/db");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://h/db?user=a&password=secret")).doesNotContain("secret");
    }

    @Test
    void printableUrlsCarryTheCredentials() {
        ConnectionInfo info = new ConnectionInfo("jdbc:postgresql://127.0.0.1:5555/postgres", "postgres", "pw/1");
        assertThat(info.postgresUrl()).isEqualTo("postgresql://postgres:pw%2F1@127.0.0.1:5555/postgres");
        assertThat(info.jdbcUrlWithCredentials()).isEqualTo("jdbc:postgresql://127.0.0.1:5555/postgres?user=postgres&password=pw%2F1");
        assertThat(info.toString()).doesNotContain("pw/1");
    }

    @Test
    void schemaNamesAreChecked() {
        assertThatThrownBy(() -> new DatabaseSettings(java.util.Optional.empty(), java.nio.file.Path.of("x"), "Bad-Name"))
                .hasMessageContaining("Schema name");
    }
}
