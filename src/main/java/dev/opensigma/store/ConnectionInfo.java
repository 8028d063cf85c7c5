package dev.opensigma.store;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A JDBC URL with its credentials kept apart, so the URL can be logged and the password not. */
public record ConnectionInfo(String jdbcUrl, String user, String password) {

    /** A {@code postgresql://} URL with the password, for psql, DBeaver or Metabase. */
    public String postgresUrl() {
        String hostAndDb = jdbcUrl.substring("jdbc:postgresql://".length());
        int query = hostAndDb.indexOf('?');
        String base = query < 0 ? hostAndDb : hostAndDb.substring(0, query);
        String credentials = user == null ? "" : encode(user) + (password == null ? "" : ":" + encode(password)) + "@";
        return "postgresql://" + credentials + base;
    }

    /** The JDBC URL with user and password as parameters, for tools that take one string. */
    public String jdbcUrlWithCredentials() {
        StringBuilder url = new StringBuilder(jdbcUrl).append(jdbcUrl.contains("?") ? '&' : '?');
        url.append("user=").append(encode(user));
        if (password != null) {
            url.append("&password=").append(encode(password));
        }
        return url.toString();
    }

    @Override
    public String toString() {
        return "ConnectionInfo[" + jdbcUrl + ", user=" + user + "]";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
