package dev.opensigma.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.opensigma.stripe.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Prints a result set as an aligned table, CSV (RFC 4180) or a JSON array of objects. */
final class ResultPrinter {

    enum Format { table, csv, json }

    private static final int MAX_CELL = 80;

    private final Format format;
    private final PrintWriter out;

    ResultPrinter(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    void print(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add(meta.getColumnLabel(i));
        }
        switch (format) {
            case table -> table(rs, names);
            case csv -> csv(rs, names);
            case json -> json(rs, names);
        }
        out.flush();
    }

    private void table(ResultSet rs, List<String> names) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        int[] widths = names.stream().mapToInt(String::length).toArray();
        while (rs.next()) {
            String[] row = new String[names.size()];
            for (int i = 0; i < row.length; i++) {
                String v = rs.getString(i + 1);
                v = v == null ? "" : v.replace('\n', ' ');
                row[i] = v.length() > MAX_CELL ? v.substring(0, MAX_CELL - 1) + "…" : v;
                widths[i] = Math.max(widths[i], row[i].length());
            }
            rows.add(row);
        }
        out.println(line(names.toArray(String[]::new), widths));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
        rows.forEach(r -> out.println(line(r, widths)));
        out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == 0 ? "" : " | ").append(cells[i]).append(" ".repeat(widths[i] - cells[i].length()));
        }
        return sb.toString().stripTrailing();
    }

    private void csv(ResultSet rs, List<String> names) throws SQLException {
        out.println(String.join(",", names.stream().map(ResultPrinter::csvCell).toList()));
        while (rs.next()) {
            List<String> cells = new ArrayList<>();
            for (int i = 1; i <= names.size(); i++) {
                String v = rs.getString(i);
                cells.add(v == null ? "" : csvCell(v));
            }
            out.println(String.join(",", cells));
        }
    }

    private static String csvCell(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private void json(ResultSet rs, List<String> names) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartArray();
            while (rs.next()) {
                g.writeStartObject();
                for (int i = 1; i <= names.size(); i++) {
                    g.writeFieldName(names.get(i - 1));
                    String type = meta.getColumnTypeName(i);
                    Object value = rs.getObject(i);
                    if (value == null) {
                        g.writeNull();
                    } else if (type.equals("json") || type.equals("jsonb")) {
                        // PostgreSQL has validated it; copied verbatim so nothing is lost (json may
                        // hold duplicate keys, which the strict Json.MAPPER would refuse mid-output).
                        g.writeRawValue(rs.getString(i));
                    } else if (value instanceof Number || value instanceof Boolean) {
                        g.writeObject(value);
                    } else {
                        g.writeString(rs.getString(i));
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }
}
