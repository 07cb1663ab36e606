package io.etalon.cli;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr, so that stdout stays clean for results. */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    Progress(String task, long total) {
        // On a terminal the bar redraws in place; in a log (CI, a pipe) every redraw is a new line, so draw rarely.
        boolean terminal = System.console() != null;
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(terminal ? 250 : 10_000)
                .setMaxRenderedLength(100).continuousUpdate()
                .showSpeed().build();
    }

    void stepTo(long done) {
        bar.stepTo(done);
    }

    void extra(String message) {
        bar.setExtraMessage(message);
    }

    @Override
    public void close() {
        bar.close();
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
