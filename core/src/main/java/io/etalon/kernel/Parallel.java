package io.etalon.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * Shares one op's work on one image out among threads, for when there are fewer images than threads (one photo
 * through a 224x224 network). The work is cut into blocks of outputs, each written by one task only, and every output
 * is summed in the same order whatever the block it falls in, so results do not depend on the thread count.
 *
 * <p>Blocks run on the caller's thread and the {@link Team}'s helpers, which wait for the next op spinning. There are
 * as many threads as the fork-join pool the caller runs in has (an {@code Explainer}'s pool), else as cores; none but
 * the caller's while every thread of that pool is busy (a batch with an image per thread) or while the team is (blocks
 * within a block). One block per thread by default: a convolution's block streams its input through L1 once for each
 * block of output channels it has, so fewer, larger blocks read less. On a host that lends a core to another guest,
 * a few blocks per thread, claimed in turn, keep the other core busy ({@code -Detalon.blocksPerThread=4}).
 * {@code -Detalon.opThreads=1} turns it off.
 */
public final class Parallel {

    /** Below this many multiply-adds a block is not worth a task (a fork and join cost some microseconds). */
    static final long MIN_WORK = 1L << 19;

    private static final int LIMIT = Integer.getInteger("etalon.opThreads", Integer.MAX_VALUE);

    /**
     * Blocks per thread. Measured on a 2-core AMD EPYC (Zen 5), in one JVM, one against four call by call: ResNet-18's
     * inference 1.045x to 1.049x, MobileNet-V2's 1.07x to 1.09x, SqueezeNet's 1.02x to 1.035x, the 56x56 3x3 layer
     * alone 1.13x. With another process busy on one of the two cores, four measured 0.94x to 1.05x against one.
     */
    private static final int BLOCKS_PER_THREAD = Math.max(1, Integer.getInteger("etalon.blocksPerThread", 1));

    private Parallel() {
    }

    /** How many blocks to cut {@code work} multiply-adds into: a few per thread {@link #threads} allows, at most {@code units}. */
    public static int blocks(long work, int units) {
        int threads = threads();
        if (threads <= 1) {
            return 1;
        }
        long byWork = work / MIN_WORK;
        return (int) Math.max(1, Math.min((long) threads * BLOCKS_PER_THREAD, Math.min(byWork, units)));
    }

    /**
     * How many threads may share an op the caller runs now: the fork-join pool's it runs in (an {@code Explainer}'s,
     * whose size the user chose), else the cores; 1 while every thread of that pool has an image of its own, or while
     * the team is taken (blocks within a block, or another caller's op).
     */
    static int threads() {
        if (Team.get().busy()) {
            return 1;
        }
        int threads;
        if (ForkJoinTask.inForkJoinPool()) {
            ForkJoinPool pool = ForkJoinTask.getPool();
            if (pool.getActiveThreadCount() >= pool.getParallelism()) {
                return 1; // blocks would only add hand-overs
            }
            threads = pool.getParallelism();
        } else {
            threads = ForkJoinPool.commonPool().getParallelism() + 1; // the caller joins in
        }
        return Math.min(threads, LIMIT);
    }

    /**
     * Runs {@code work} in {@code pool} (so that its parallel streams use that pool's threads) and waits for it. What
     * the work throws comes out as itself: an unchecked exception, or an error such as running out of memory, which
     * the command line turns into one line; only a checked cause is wrapped.
     */
    public static void runIn(ForkJoinPool pool, Runnable work) {
        try {
            pool.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause.getCause() != null && cause.getCause().getClass() == cause.getClass()) {
                cause = cause.getCause(); // the pool's copy, made on the waiting thread, of what the work threw
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Below this many values a block of a pass over memory (a copy, a mask) is not worth a task. */
    static final long MIN_VALUES = 1L << 16;

    /**
     * {@link #blocks} for a pass that reads and writes {@code values} floats with little arithmetic each (a copy, a
     * ReLU mask): at most as many blocks as {@code units}, each of at least {@link #MIN_VALUES} values.
     */
    public static int blocksOfValues(long values, int units) {
        return blocksOfValues(values, units, MIN_VALUES);
    }

    /** {@link #blocksOfValues} with blocks of at least {@code minValues} values. */
    public static int blocksOfValues(long values, int units, long minValues) {
        return blocks(values * MIN_WORK / minValues, units);
    }

    /** The work of one block of {@link #forRanges}: the units {@code [from, to)}, block number {@code block}. */
    @FunctionalInterface
    public interface Range {
        void run(int block, int from, int to);
    }

    /**
     * Cuts {@code count} units into at most {@code blocks} contiguous ranges, each as long as the others and a
     * multiple of {@code multiple} units (the last may be shorter), and runs {@code body} on each, in parallel when
     * there is more than one. Block numbers run from 0 and stay below {@code blocks}.
     */
    public static void forRanges(int count, int blocks, int multiple, Range body) {
        if (count <= 0) {
            return;
        }
        int per = ((count + blocks - 1) / blocks + multiple - 1) / multiple * multiple;
        forEach((count + per - 1) / per, block -> body.run(block, block * per, Math.min(count, (block + 1) * per)));
    }

    /**
     * Runs {@code body} for block {@code 0 .. blocks-1}, in parallel when there is more than one: the caller and the
     * {@link Team}'s spinning helpers claim them in turn. When the team is busy (blocks within a block, or another
     * caller's op) the caller runs them itself, in order.
     */
    public static void forEach(int blocks, IntConsumer body) {
        if (blocks <= 1) {
            body.accept(0);
        } else if (!Team.get().tryRun(blocks, Math.min(blocks, threads()) - 1, body)) {
            for (int block = 0; block < blocks; block++) {
                body.accept(block);
            }
        }
    }
}
