package io.etalon.spark;

import org.apache.spark.TaskContext;

/**
 * A test-only way to make a task fail, to check that Spark's retry changes nothing in the output. The test sets the
 * local property {@value #PROPERTY} to a partition number on its driver thread; the first attempt of that partition
 * then fails after handing on its first batch of results, when part of its output is already written. Unset, it does
 * nothing.
 */
final class FaultInjection {

    static final String PROPERTY = "etalon.test.failFirstAttemptOfPartition";

    private FaultInjection() {
    }

    /** Throws in the first attempt of the chosen partition. */
    static void afterFirstBatch() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        String partition = task.getLocalProperty(PROPERTY);
        if (partition != null && Integer.parseInt(partition) == task.partitionId() && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of the first attempt of partition " + partition);
        }
    }
}
