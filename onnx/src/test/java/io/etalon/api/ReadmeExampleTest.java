package io.etalon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from Java" shows {@link ExplainExample} as it is, and the dependency block of this build: the
 * example is compiled with the tests and run here as a user runs it, from the repository's root, in its own JVM.
 */
class ReadmeExampleTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theReadmeShowsTheExampleAsItIs() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## Use it from Java"), readme.indexOf("## Speed"));
        String example = Files.readString(ROOT.resolve("onnx/src/test/java/io/etalon/api/ExplainExample.java"));
        assertThat(example).startsWith("package io.etalon.api;\n\n");
        assertThat(block(section, "java")).isEqualTo(example.substring("package io.etalon.api;\n\n".length()));
        Matcher version = Pattern.compile("<artifactId>etalon-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(block(section, "xml")).isEqualTo("<dependency>\n  <groupId>io.etalon</groupId>\n  <artifactId>"
                + "etalon-onnx</artifactId>\n  <version>" + version.group(1) + "</version>\n</dependency>\n");
    }

    @Test
    void theExampleRunsAsPrinted() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ExplainExample.class.getName()).directory(ROOT.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String printed = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(printed).isZero();
        List<String> lines = printed.lines().filter(line -> line.contains("= <W, X> +")).toList();
        assertThat(lines).as(printed).hasSize(13);
        assertThat(lines.get(0)).startsWith("Egyptian cat");
        for (int k = 0; k < 10; k++) {
            assertThat(lines.get(3 + k)).startsWith("digit " + k + " ");
        }
        // the README shows the first lines of what it prints
        String readme = Files.readString(ROOT.resolve("README.md"));
        String shown = readme.substring(readme.indexOf("## Use it from Java"), readme.indexOf("## Speed"));
        for (String line : lines.subList(0, 3)) {
            assertThat(shown).contains(line.substring(0, line.indexOf("residual")));
        }
        Matcher residual = Pattern.compile("residual ([0-9.e+-]+)").matcher(printed);
        int found = 0;
        while (residual.find()) {
            // absolute residuals of scores up to 32: float round-off
            assertThat(Double.parseDouble(residual.group(1))).isLessThan(1e-4);
            found++;
        }
        assertThat(found).isEqualTo(13);
    }

    /** The first fenced block of {@code language} in {@code text}, without its fences. */
    private static String block(String text, String language) {
        int start = text.indexOf("```" + language + "\n");
        assertThat(start).as("a ```" + language + " block").isNotNegative();
        int from = start + language.length() + 4;
        return text.substring(from, text.indexOf("```", from));
    }
}
