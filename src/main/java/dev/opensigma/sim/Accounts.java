package dev.opensigma.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The platform and its connected accounts, by id. */
final class Accounts {

    private final Map<String, Account> byId = new LinkedHashMap<>();
    private final Account platform;

    Accounts(Account platform, List<Account> connected) {
        this.platform = platform;
        byId.put(platform.id(), platform);
        connected.forEach(a -> byId.put(a.id(), a));
    }

    Account platform() {
        return platform;
    }

    List<Account> connected() {
        return byId.values().stream().filter(a -> !a.platform()).toList();
    }

    List<Account> all() {
        return List.copyOf(byId.values());
    }

    Account get(String id) {
        return byId.get(id);
    }
}
