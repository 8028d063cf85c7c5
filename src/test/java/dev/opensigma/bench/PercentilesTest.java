package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void nearestRankOfOneToHundred() {
        long[] nanos = LongStream.rangeClosed(1, 100).map(i -> ms(i).toNanos()).toArray();

        Percentiles p = Percentiles.ofNanos(nanos);

        assertThat(p.count()).isEqualTo(100);
        assertThat(p.p50()).isEqualTo(ms(50));
        assertThat(p.p90()).isEqualTo(ms(90));
        assertThat(p.p99()).isEqualTo(ms(99));
        assertThat(p.max()).isEqualTo(ms(100));
    }

    @Test
    void reportsOnlyValuesThatOccurredAndIgnoresInputOrder() {
        long[] nanos = {ms(30).toNanos(), ms(10).toNanos(), ms(20).toNanos()};

        Percentiles p = Percentiles.ofNanos(nanos);

        assertThat(p.p50()).isEqualTo(ms(20));
        assertThat(p.p90()).isEqualTo(ms(30));
        assertThat(p.p99()).isEqualTo(ms(30));
        assertThat(nanos).containsExactly(ms(30).toNanos(), ms(10).toNanos(), ms(20).toNanos()); // not sorted in place
    }

    @Test
    void aSingleStallShowsInTheTailNotTheMedian() {
        long[] nanos = LongStream.range(0, 1000).map(i -> i == 500 ? ms(2_000).toNanos() : ms(2).toNanos()).toArray();

        Percentiles p = Percentiles.ofNanos(nanos);

        assertThat(p.p50()).isEqualTo(ms(2));
        assertThat(p.p99()).isEqualTo(ms(2));
        assertThat(p.max()).isEqualTo(ms(2_000));
    }

    @Test
    void noMeasurementsGiveZeros() {
        assertThat(Percentiles.ofNanos(new long[0])).isEqualTo(Percentiles.NONE);
    }
}
