package dev.opensigma.sim;

/**
 * Where objects' JSON is kept: packed into large arrays rather than one small array per object.
 * A million small arrays that all stay alive would be copied by every young garbage collection
 * while the account is generated (seconds of pauses at the large scale); arrays this large are
 * allocated directly in the old generation and never copied. Slices are never freed: a changed
 * object gets a new slice, and the few changes made while running leave little behind.
 */
final class Slabs {

    // Just under 16 MiB: with G1 regions of 1–16 MiB (heaps up to 32 GB) it fills whole regions, header included.
    private static final int SLAB = (16 << 20) - 1024;
    private static final int LARGEST_PACKED = SLAB / 16;

    private byte[] current = new byte[0];
    private int used;

    synchronized Bytes store(byte[] json) {
        if (json.length > LARGEST_PACKED) {
            return Bytes.of(json);
        }
        if (used + json.length > current.length) {
            current = new byte[SLAB];
            used = 0;
        }
        System.arraycopy(json, 0, current, used, json.length);
        Bytes bytes = new Bytes(current, used, json.length);
        used += json.length;
        return bytes;
    }
}
