package dev.opensigma.sim;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One object's JSON: a slice of a (usually shared) byte array. */
record Bytes(byte[] array, int offset, int length) {

    static Bytes of(byte[] json) {
        return new Bytes(json, 0, json.length);
    }

    byte[] copy() {
        return offset == 0 && length == array.length ? array.clone() : Arrays.copyOfRange(array, offset, offset + length);
    }

    String string() {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }
}
