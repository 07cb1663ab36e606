package io.etalon.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Untimed calls before a measurement, until the JIT has settled: at least a given time and number of calls, then on
 * until a whole {@value #QUIET_SECONDS} s of calls cost the JIT compilers less than {@value #QUIET_MILLIS} ms, for at
 * most {@value #MAX_SECONDS} s.
 *
 * <p>A fixed time is not enough on two cores. The compiler threads share the cores with the calls whose code they
 * compile, and the team's helper spins on the other: Etalon's paths for ResNet-18 were still being compiled 8 to 11 s
 * into a run. After a fixed warm-up of 4 s, its inference's first slice of 1 s ran at 17 images/s and the seventh at
 * 57, while ONNX Runtime's, native code, ran at 58 to 60 throughout; after the JIT had settled, the first slice ran at
 * 55. Native engines settle at once.
 */
final class WarmUp {

    /** The window over which the JIT's work is measured, in seconds. */
    static final double QUIET_SECONDS = 1;

    /** The JIT has settled when a window of calls cost its compilers less than this many milliseconds. */
    static final long QUIET_MILLIS = 10;

    /** The longest warm-up, in seconds, settled or not. */
    static final double MAX_SECONDS = 30;

    private WarmUp() {
    }

    /** One untimed call, which may throw {@code E}: its result's first value goes into a checksum. */
    @FunctionalInterface
    interface Call<E extends Exception> {
        float[] call() throws E;
    }

    /**
     * Calls {@code work} for at least {@code minSeconds} and {@code minCalls} calls, then until the JIT has settled;
     * returns the sum of the first values of what it returned, so that no call can be optimised away.
     */
    static <E extends Exception> double run(Call<E> work, double minSeconds, int minCalls) throws E {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watched = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long minEnd = start + (long) (minSeconds * 1e9);
        long maxEnd = start + (long) (Math.max(minSeconds, MAX_SECONDS) * 1e9);
        long windowStart = start;
        long compiledAtWindowStart = watched ? jit.getTotalCompilationTime() : 0;
        double checksum = 0;
        int calls = 0;
        while (true) {
            checksum += work.call()[0];
            calls++;
            long now = System.nanoTime();
            if (now < minEnd || calls < minCalls) {
                continue;
            }
            if (!watched || now >= maxEnd) {
                return checksum;
            }
            if (now - windowStart >= QUIET_SECONDS * 1e9) {
                long compiled = jit.getTotalCompilationTime();
                if (compiled - compiledAtWindowStart < QUIET_MILLIS) {
                    return checksum;
                }
                windowStart = now;
                compiledAtWindowStart = compiled;
            }
        }
    }
}
