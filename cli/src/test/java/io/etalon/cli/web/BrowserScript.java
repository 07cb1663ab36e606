package io.etalon.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of the real-browser scripts of {@code web-tests/} (Playwright driving Debian's Chromium) and returns what it
 * printed; skips the test, saying why, when Chromium, node or the locked {@code playwright-core} is missing.
 */
final class BrowserScript {

    private BrowserScript() {
    }

    /** Runs {@code web-tests/<script>} with {@code arguments}, asserts it exits with 0, and returns its output. */
    static String run(String script, String... arguments) throws Exception {
        Path root = Path.of(System.getProperty("etalon.home", "..")).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
                "browser test skipped: /usr/bin/chromium is missing (apt-get install chromium)");
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("web-tests/node_modules/playwright-core")),
                "browser test skipped: run npm ci in web-tests/");
        Assumptions.assumeTrue(Arrays.stream(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "node"))),
                "browser test skipped: node is missing");
        List<String> command = new ArrayList<>(List.of("node", root.resolve("web-tests").resolve(script).toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(root.resolve("web-tests").toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    /** A path under {@code cli/target/} for a screenshot, its folder created. */
    static Path screenshot(String name) throws Exception {
        Path root = Path.of(System.getProperty("etalon.home", "..")).toAbsolutePath().normalize();
        Path file = root.resolve("cli/target").resolve(name);
        Files.createDirectories(file.getParent());
        return file;
    }
}
