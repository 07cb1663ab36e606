package io.etalon.spark;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code etalon-spark} driver: {@code census} and {@code explain} as Spark jobs. Run it with
 * {@code spark-submit --class io.etalon.spark.EtalonSpark etalon-spark.jar census ...} on a cluster, or through
 * {@code ./etalon spark census ...} without one. Exit codes as the {@code etalon} command: 0 success, 1 bad input or
 * a failed job (one line on stderr), 2 a usage error.
 */
@Command(name = "etalon spark", mixinStandardHelpOptions = true, versionProvider = EtalonSpark.Version.class,
        description = "Etalon census and batch explanations as Apache Spark jobs.",
        subcommands = {CensusJob.class, ExplainJob.class, CommandLine.HelpCommand.class})
public final class EtalonSpark {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        // end the application cleanly for spark-submit (the history server marks it finished)
        org.apache.spark.sql.SparkSession.getDefaultSession().foreach(session -> {
            session.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs the command line and returns the exit code; never exits the JVM (tests call this). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new EtalonSpark());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(sub -> sub.hasMatchedOption("--verbose"));
            if (verbose) {
                exception.printStackTrace(line.getErr());
            }
            line.getErr().println("etalon: " + Errors.oneLine(exception));
            line.getErr().flush();
            return 1;
        });
        return commandLine.execute(args);
    }

    /** The version from the jar's manifest, or the development version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EtalonSpark.class.getPackage().getImplementationVersion();
            return new String[] {"etalon-spark " + (version == null ? "0.1.0-SNAPSHOT" : version)};
        }
    }
}
