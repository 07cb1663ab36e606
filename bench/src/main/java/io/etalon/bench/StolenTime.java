package io.etalon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The share of this machine's CPU time its host gave to others (Linux's "steal" in {@code /proc/stat}) between two
 * readings: on a virtual machine whose cores are lent out, a run with much of it says more about the neighbours than
 * about the engines, so the benchmark prints it beside its figures.
 */
final class StolenTime {

    private static final Path STAT = Path.of("/proc/stat");

    private final long steal;
    private final long total;

    private StolenTime(long steal, long total) {
        this.steal = steal;
        this.total = total;
    }

    /** The counters now, or null where the system has no {@code /proc/stat} (not Linux) or it cannot be read. */
    static StolenTime now() {
        try {
            // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks since boot
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            if (!fields[0].equals("cpu") || fields.length < 9) {
                return null;
            }
            long sum = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                sum += Long.parseLong(fields[i]);
            }
            return new StolenTime(Long.parseLong(fields[8]), sum);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** Percent of the CPU time from {@code before} to this reading that was stolen; NaN if no time passed. */
    double percentSince(StolenTime before) {
        long elapsed = total - before.total;
        return elapsed <= 0 ? Double.NaN : 100.0 * (steal - before.steal) / elapsed;
    }
}
