package dev.opensigma.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads {@code DATABASE_URL} in either of its usual forms: postgres(ql):// or jdbc:postgresql://. */
public final class DatabaseUrl {

    private DatabaseUrl() {
    }

    public static ConnectionInfo parse(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return new ConnectionInfo(url, null, null);
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgres://, postgresql:// or"
                    + " jdbc:postgresql:// (got '" + redact(url) + "'). Example:"
                    + " postgres://user:password@db.example.com:5432/opensigma");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL: " + e.getReason()
                    + ". Percent-encode special characters in the password.");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("DATABASE_URL has no host. Example:"
                    + " postgres://user:password@localhost:5432/opensigma");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new ConnectionInfo(jdbc, user, password);
    }

    /** The URL without its password, safe for messages. */
    public static String redact(String url) {
        return url.replaceAll("(//[^:/@]+:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
