package io.etalon.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class TeamTest {

    /** Keeps a thread busy for about {@code micros} microseconds, so that idle helpers have time to join. */
    private static void work(long micros) {
        long end = System.nanoTime() + micros * 1_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void noMoreHelpersJoinAnOpThanItsCallerAllows() {
        // a team of three on a pool that allows two threads: the caller and one helper, never more
        Team team = new Team(3);
        for (int call = 0; call < 50; call++) {
            Set<Thread> ran = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray runs = new AtomicIntegerArray(12);
            assertThat(team.tryRun(12, 1, block -> {
                ran.add(Thread.currentThread());
                work(200);
                runs.incrementAndGet(block);
            })).isTrue();
            assertThat(ran).as("threads of call %d", call).hasSizeLessThanOrEqualTo(2);
            for (int block = 0; block < 12; block++) {
                assertThat(runs.get(block)).isEqualTo(1);
            }
        }
    }

    @Test
    void aCallerAllowedNoHelperRunsNothingOnTheTeam() {
        Team team = new Team(2);
        assertThat(team.tryRun(4, 0, block -> { })).isFalse();
        assertThat(new Team(0).tryRun(4, 3, block -> { })).isFalse();
    }
}
