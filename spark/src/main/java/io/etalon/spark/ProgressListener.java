package io.etalon.spark;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.util.LongAccumulator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Progress of a job on stderr: for each Spark job, tasks finished of tasks planned and images explained so far (from
 * the images accumulator of the finished tasks), with the rate; at most one line a second, and one when the job ends.
 * Failed task attempts count neither as finished nor for their images.
 */
final class ProgressListener extends SparkListener {

    private final PrintWriter err;
    private final String accumulatorName;
    private final long totalImages;
    private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
    private final Map<Integer, Job> jobs = new ConcurrentHashMap<>();
    private long images;
    private long lastPrint;

    /** @param imagesAccumulator counts explained images; its name identifies its updates */
    ProgressListener(PrintWriter err, LongAccumulator imagesAccumulator, long totalImages) {
        this.err = err;
        this.accumulatorName = imagesAccumulator.name().get();
        this.totalImages = totalImages;
    }

    private static final class Job {
        final String description;
        final int tasks;
        final long startNanos = System.nanoTime();
        int finished;
        long images;

        Job(String description, int tasks) {
            this.description = description;
            this.tasks = tasks;
        }
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        int tasks = 0;
        for (StageInfo stage : CollectionConverters.asJava(start.stageInfos())) {
            tasks += stage.numTasks();
            jobOfStage.put(stage.stageId(), start.jobId());
        }
        String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        jobs.put(start.jobId(), new Job(description == null ? "job " + start.jobId() : description, tasks));
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() != Success$.MODULE$) {
            return;
        }
        Integer jobId = jobOfStage.get(end.stageId());
        Job job = jobId == null ? null : jobs.get(jobId);
        if (job == null) {
            return;
        }
        for (AccumulableInfo info : CollectionConverters.asJava(end.taskInfo().accumulables())) {
            if (info.name().isDefined() && info.name().get().equals(accumulatorName) && info.update().isDefined()) {
                long explained = ((Number) info.update().get()).longValue();
                images += explained;
                job.images += explained;
            }
        }
        job.finished++;
        long now = System.nanoTime();
        if (job.finished < job.tasks && now - lastPrint > 1_000_000_000L) { // the job's end prints the last line
            lastPrint = now;
            print(job);
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        Job job = jobs.remove(end.jobId());
        if (job != null && job.finished > 0) {
            print(job);
        }
    }

    private void print(Job job) {
        double seconds = (System.nanoTime() - job.startNanos) / 1e9;
        if (job.images == 0) {
            err.printf("etalon: %s: %d/%d tasks, %.1f s%n", job.description, job.finished, job.tasks, seconds);
        } else {
            err.printf("etalon: %s: %d/%d tasks; %,d/%,d images explained, %.0f images/s over %.1f s%n", job.description,
                    job.finished, job.tasks, images, totalImages, job.images / Math.max(seconds, 1e-9), seconds);
        }
        err.flush();
    }
}
