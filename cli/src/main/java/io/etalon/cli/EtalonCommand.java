package io.etalon.cli;

import io.etalon.data.DataFormatException;
import io.etalon.onnx.ModelFormatException;
import io.etalon.onnx.UnsupportedOpException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code etalon} command. Exit codes: 0 success, 1 bad input or a failed run (one line on stderr, starting
 * {@code etalon:}), 2 a usage error. Stack traces appear only with {@code --verbose}.
 */
@Command(name = "etalon", mixinStandardHelpOptions = true, versionProvider = EtalonCommand.Version.class,
        description = "Exact etalon images: the linear rule a ReLU CNN applies to an input.",
        subcommands = {DemoCommand.class, TrainCommand.class, ExplainCommand.class, FigureCommand.class,
                InspectCommand.class, RegionCommand.class, PathCommand.class, SliceCommand.class, CensusCommand.class, StudyCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class EtalonCommand {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code; never exits the JVM (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new EtalonCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(sub -> sub.hasMatchedOption("--verbose"));
            return report(exception, line.getErr(), verbose);
        });
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError error) {
            // picocli hands only exceptions to the handler above; a heap too small for the model still gets one line
            boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
            return report(error, err, verbose);
        }
    }

    /** Prints one line for an error and returns its exit code. */
    static int report(Throwable exception, PrintWriter err, boolean verbose) {
        if (verbose) {
            exception.printStackTrace(err);
        }
        Throwable cause = exception;
        if (cause instanceof java.io.UncheckedIOException unchecked) {
            cause = unchecked.getCause();
        }
        err.println("etalon: " + message(cause));
        err.flush();
        return 1;
    }

    private static String message(Throwable error) {
        String text = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof NoSuchFileException && !text.contains(": ")) {
            text = text + ": no such file";
        } else if (error instanceof AccessDeniedException) {
            text = text + ": permission denied";
        } else if (error instanceof OutOfMemoryError) {
            text = "out of memory; give Java more with JAVA_OPTS=-Xmx4g or process fewer images at once";
        } else if (!(error instanceof IllegalArgumentException || error instanceof IOException
                || error instanceof DataFormatException || error instanceof ModelFormatException
                || error instanceof UnsupportedOpException || error instanceof IndexOutOfBoundsException)) {
            text = "internal error (" + error.getClass().getSimpleName() + ": " + text
                    + "); please report it with the output of --verbose";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** The version from the jar's manifest, or {@code dev}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EtalonCommand.class.getPackage().getImplementationVersion();
            return new String[] {"etalon " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }
}
