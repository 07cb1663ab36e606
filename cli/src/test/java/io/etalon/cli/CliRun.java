package io.etalon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the etalon command in-process and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EtalonCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The repository root (surefire sets etalon.home). */
    static Path home() {
        return Home.root();
    }

    static String model() {
        return Home.model().toString();
    }

    static String testImages() {
        return Home.testImages(Home.mnist()).toString();
    }

    static String testLabels() {
        return Home.testLabels(Home.mnist()).toString();
    }
}
