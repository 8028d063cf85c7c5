package dev.opensigma.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a range being paged is split: by the density of what it lists, not by halving the years. */
class SplitPointTest {

    private static final long DAY = 86_400;
    private static final long NOW = 1_795_000_000L; // 2026-11

    @Test
    void aRangeOfRecentObjectsKeepsAFewPagesWorthAndHandsOnTheYearsBefore() {
        // A page of 100 charges spanning a day, in a range open back to 2011: halving would split
        // in 2018, where there is nothing; the range keeps 8 days, the rest is another range.
        long at = Backfill.splitPoint(Backfill.STRIPE_EPOCH, NOW, DAY);

        assertThat(at).isEqualTo(NOW - Backfill.PAGES_KEPT * DAY);
    }

    @Test
    void whenAFewPagesWorthIsMoreThanHalfOfWhatIsLeftItHalves() {
        long lower = NOW - 10 * DAY;

        assertThat(Backfill.splitPoint(lower, NOW, DAY)).isEqualTo(lower + 5 * DAY);
        assertThat(Backfill.splitPoint(lower, NOW, 2 * DAY)).isEqualTo(lower + 5 * DAY);
    }

    @Test
    void aPageWithinOneSecondSaysNothingOfTheDensityAndHalves() {
        long lower = NOW - 100 * DAY;

        assertThat(Backfill.splitPoint(lower, NOW, 0)).isEqualTo(lower + 50 * DAY);
    }
}
