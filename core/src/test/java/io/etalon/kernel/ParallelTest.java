package io.etalon.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyBlockRunsExactlyOnceCallAfterCall() {
        for (int call = 0; call < 2_000; call++) {
            int blocks = 2 + call % 13;
            AtomicIntegerArray runs = new AtomicIntegerArray(blocks);
            Parallel.forEach(blocks, runs::incrementAndGet);
            for (int block = 0; block < blocks; block++) {
                assertThat(runs.get(block)).as("call %d, block %d", call, block).isEqualTo(1);
            }
        }
    }

    @Test
    void theCallerSeesWhatTheHelpersWrote() {
        // the blocks' plain writes, made on whichever thread ran them, are all visible once forEach returns
        for (int call = 0; call < 500; call++) {
            int[] written = new int[64];
            int value = call + 1;
            Parallel.forRanges(written.length, 8, 1, (block, first, end) -> {
                for (int i = first; i < end; i++) {
                    written[i] = value;
                }
            });
            assertThat(written).as("call %d", call).containsOnly(value);
        }
    }

    @Test
    void blocksWithinABlockRunOnTheirCallersThread() {
        AtomicIntegerArray runs = new AtomicIntegerArray(4 * 5);
        AtomicReference<String> foreign = new AtomicReference<>();
        Parallel.forEach(4, outer -> {
            Thread caller = Thread.currentThread();
            assertThat(Parallel.blocks(1L << 40, 100)).as("blocks asked for within a block").isEqualTo(1);
            Parallel.forEach(5, inner -> {
                if (Thread.currentThread() != caller) {
                    foreign.set("inner block " + inner + " of outer block " + outer);
                }
                runs.incrementAndGet(outer * 5 + inner);
            });
        });
        assertThat(foreign.get()).isNull();
        for (int i = 0; i < 20; i++) {
            assertThat(runs.get(i)).as("block %d", i).isEqualTo(1);
        }
    }

    @Test
    void aFailingBlockReachesTheCallerAndTheTeamStaysUsable() {
        assertThatThrownBy(() -> Parallel.forEach(6, block -> {
            if (block == 4) {
                throw new IllegalArgumentException("block 4 failed");
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("block 4 failed");
        AtomicIntegerArray runs = new AtomicIntegerArray(6);
        Parallel.forEach(6, runs::incrementAndGet);
        for (int block = 0; block < 6; block++) {
            assertThat(runs.get(block)).isEqualTo(1);
        }
    }

    @Test
    void callersOnSeveralThreadsAllFinishTheirBlocks() throws Exception {
        // one of them has the team at a time; the others run their blocks themselves
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] done = new Future<?>[4];
            for (int c = 0; c < 4; c++) {
                done[c] = callers.submit(() -> {
                    for (int call = 0; call < 300; call++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(7);
                        Parallel.forEach(7, runs::incrementAndGet);
                        for (int block = 0; block < 7; block++) {
                            assertThat(runs.get(block)).isEqualTo(1);
                        }
                    }
                    return null;
                });
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void whatTheWorkThrowsComesOutAsItself() {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(2);
        try {
            OutOfMemoryError error = new OutOfMemoryError("made by the test");
            assertThatThrownBy(() -> Parallel.runIn(pool, () -> {
                throw error;
            })).isSameAs(error);
            IllegalArgumentException refused = new IllegalArgumentException("made by the test");
            assertThatThrownBy(() -> Parallel.runIn(pool, () -> {
                throw refused;
            })).isSameAs(refused);
            int[] ran = new int[1];
            Parallel.runIn(pool, () -> ran[0]++);
            assertThat(ran[0]).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
    }
}
