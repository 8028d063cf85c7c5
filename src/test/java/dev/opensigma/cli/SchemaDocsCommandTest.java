package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.schema.SchemaDocs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code schema-docs}: writes the schema reference, with no database. */
class SchemaDocsCommandTest {

    @Test
    void writesTheReferenceToTheGivenFileCreatingItsDirectory(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("docs").resolve("schema.md");

        Cli.Result r = Cli.run("schema-docs", "--output", file.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Wrote " + file.toAbsolutePath() + " (").contains("object tables");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(SchemaDocs.markdown());
    }

    @Test
    void aDashWritesToStandardOutput() {
        Cli.Result r = Cli.run("schema-docs", "--output", "-");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(SchemaDocs.markdown());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void anUnwritableOutputIsAClearError(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "not a directory");

        Cli.Result r = Cli.run("schema-docs", "--output", blocker.resolve("schema.md").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("could not write").contains("schema.md");
    }
}
