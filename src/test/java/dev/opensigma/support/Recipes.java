package dev.opensigma.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The recipes of docs/queries.md: each "## " heading with the text of its one ```sql block. */
public final class Recipes {

    public static final Path FILE = Path.of("docs", "queries.md");

    private Recipes() {
    }

    /** The recipes of docs/queries.md, in document order. */
    public static Map<String, String> read() throws IOException {
        return parse(Files.readString(FILE));
    }

    /** Heading to the text of its ```sql block (every line ending in a newline), in document order. */
    public static Map<String, String> parse(String markdown) {
        Map<String, String> recipes = new LinkedHashMap<>();
        String heading = null;
        StringBuilder sql = null;
        for (String line : markdown.split("\n", -1)) {
            if (sql != null) {
                if (line.strip().equals("```")) {
                    if (heading == null) {
                        throw new IllegalArgumentException("A ```sql block before any recipe heading");
                    }
                    if (recipes.put(heading, sql.toString()) != null) {
                        throw new IllegalArgumentException("Recipe \"" + heading + "\" has more than one ```sql block");
                    }
                    sql = null;
                } else {
                    sql.append(line).append('\n');
                }
            } else if (line.startsWith("## ")) {
                requireSql(recipes, heading);
                heading = line.substring(3).strip();
            } else if (line.strip().equals("```sql")) {
                sql = new StringBuilder();
            }
        }
        if (sql != null) {
            throw new IllegalArgumentException("Recipe \"" + heading + "\" has an unterminated ```sql block");
        }
        requireSql(recipes, heading);
        return recipes;
    }

    private static void requireSql(Map<String, String> recipes, String heading) {
        if (heading != null && !recipes.containsKey(heading)) {
            throw new IllegalArgumentException("Recipe \"" + heading + "\" has no ```sql block");
        }
    }
}
