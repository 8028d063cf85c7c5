package dev.opensigma.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Random;

/** Plausible names, emails, phones and addresses for generated customers. */
final class People {

    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Linus",
        "Frances", "Ken", "Radia", "Tim", "Hedy", "Dennis", "Katherine", "John", "Sophie", "Niklaus", "Annie", "Guido",
        "Lin", "Yukihiro", "Mary", "Bjarne", "Adele", "James", "Ivan", "Jean", "Shafi", "Leslie"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton",
        "Torvalds", "Allen", "Thompson", "Perlman", "Berners-Lee", "Lamarr", "Ritchie", "Johnson", "McCarthy", "Wilson",
        "Wirth", "Easley", "van Rossum", "Chen", "Matsumoto", "Keller", "Stroustrup", "Goldberg", "Gosling",
        "Sutherland", "Sammet", "Goldwasser", "Lamport"};
    private static final String[] DOMAINS = {"example.com", "example.org", "example.net", "mail.example", "corp.example"};
    private static final String[][] PLACES = {
        {"San Francisco", "US", "CA", "94102"}, {"New York", "US", "NY", "10001"}, {"Austin", "US", "TX", "73301"},
        {"Berlin", "DE", null, "10115"}, {"Lisbon", "PT", null, "1100-148"}, {"Paris", "FR", null, "75001"},
        {"London", "GB", null, "EC1A 1BB"}, {"Toronto", "CA", "ON", "M5H 2N2"}, {"Sydney", "AU", "NSW", "2000"},
        {"Tokyo", "JP", null, "100-0001"}, {"Dublin", "IE", null, "D02 X285"}, {"Amsterdam", "NL", null, "1012 JS"}};
    private static final String[] STREETS = {"Main Street", "Market Street", "High Street", "Oak Avenue", "Elm Road",
        "Station Road", "Harbour Way", "Mill Lane"};

    final String name;
    final String email;
    final String phone;
    private final String[] place;
    private final String line1;

    People(Random random) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        this.name = first + " " + last;
        this.email = (first + "." + last.replace(" ", "").replace("-", "")).toLowerCase(Locale.ROOT)
                + (random.nextInt(1000)) + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
        this.phone = "+1555" + (1_000_000 + random.nextInt(8_999_999));
        this.place = PLACES[random.nextInt(PLACES.length)];
        this.line1 = (1 + random.nextInt(400)) + " " + STREETS[random.nextInt(STREETS.length)];
    }

    String country() {
        return place[1];
    }

    ObjectNode address() {
        return JsonNodeFactory.instance.objectNode().put("city", place[0]).put("country", place[1]).put("line1", line1)
                .putNull("line2").put("postal_code", place[3]).put("state", place[2]);
    }
}
