package io.etalon.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The helper threads that share one op's blocks with the thread running it ({@link Parallel#forEach}), one caller at a
 * time. Between jobs a helper waits spinning for a while ({@code -Detalon.spinMicros}, 2,000 by default) before it
 * sleeps, so that the next op's blocks start at once.
 *
 * <p>That is the point of the class. One photo through a 224x224 network is some sixty ops of a few hundred
 * microseconds each, and a thread that sleeps between them has to be woken for each: on a virtual machine the wake-up
 * of an idle virtual CPU cost more than the block it was woken for (measured here: one photo through SqueezeNet took
 * longer on two threads of a fork-join pool than on one). Native runtimes keep their intra-op threads spinning for the
 * same reason.
 *
 * <p>A job's blocks are claimed one at a time from a counter by the caller and the helpers alike. A caller that finds
 * the team busy (a block that itself shares work out, or a second caller) runs its blocks itself, in order.
 */
final class Team {

    private static final long SPIN_NANOS = Long.getLong("etalon.spinMicros", 2_000) * 1_000L;

    /** One op's blocks: claimed from {@code next}, counted in {@code done} once run; {@code seats} helpers may join. */
    private static final class Job {
        final IntConsumer body;
        final int blocks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger seats;
        volatile Throwable failure;

        Job(IntConsumer body, int blocks, int seats) {
            this.body = body;
            this.blocks = blocks;
            this.seats = new AtomicInteger(seats);
        }

        /** Runs blocks until none is left to claim; a failure is kept for the caller and the counting goes on. */
        void work() {
            for (int block = next.getAndIncrement(); block < blocks; block = next.getAndIncrement()) {
                try {
                    body.accept(block);
                } catch (Throwable failed) {
                    if (failure == null) {
                        failure = failed;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final AtomicBoolean taken = new AtomicBoolean();
    private final Thread[] helpers;
    private final AtomicIntegerArray sleeping; // 1 while helper i is parked or about to be
    private volatile Job posted;

    /** A team of {@code size} helper threads; the process has one ({@link #get}), tests make their own. */
    Team(int size) {
        helpers = new Thread[size];
        sleeping = new AtomicIntegerArray(size);
        for (int i = 0; i < size; i++) {
            int index = i;
            helpers[i] = new Thread(() -> help(index), "etalon-helper-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    private static final class Holder {
        static final Team TEAM = new Team(Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The process's team: one helper per core but the caller's. */
    static Team get() {
        return Holder.TEAM;
    }

    /** Whether some caller is running a job on the team now. */
    boolean busy() {
        return taken.get();
    }

    /**
     * Runs {@code body} for blocks {@code 0 .. blocks-1} with the help of at most {@code helping} helpers (so that an
     * op on a pool of n threads runs on n, however many cores the machine has) and returns true, or returns false at
     * once, running nothing, when no helper may help or another job holds the team.
     */
    boolean tryRun(int blocks, int helping, IntConsumer body) {
        if (helpers.length == 0 || helping <= 0 || !taken.compareAndSet(false, true)) {
            return false;
        }
        Job job = new Job(body, blocks, helping);
        try {
            posted = job;
            int woken = 0;
            for (int i = 0; i < helpers.length && woken < helping; i++) {
                if (sleeping.get(i) != 0) {
                    LockSupport.unpark(helpers[i]);
                    woken++;
                }
            }
            job.work();
            while (job.done.get() < blocks) {
                Thread.onSpinWait();
            }
        } finally {
            posted = null;
            taken.set(false);
        }
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return true;
    }

    private void help(int index) {
        Job last = null;
        long idleSince = System.nanoTime();
        while (true) {
            Job job = posted;
            if (job != null && job != last) {
                last = job;
                if (job.seats.getAndDecrement() > 0) { // else the op has all the threads its caller allows
                    job.work();
                    idleSince = System.nanoTime();
                }
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                // a caller posts, then reads the flag; we set the flag, then read the post: one of us sees the other
                sleeping.set(index, 1);
                Job now = posted;
                if (now == null || now == last) {
                    LockSupport.park(this);
                }
                sleeping.set(index, 0);
                idleSince = System.nanoTime();
            }
        }
    }
}
