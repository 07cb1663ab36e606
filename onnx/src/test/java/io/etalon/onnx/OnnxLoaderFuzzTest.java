package io.etalon.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the ONNX loader (Jazzer). A normal build replays the inputs kept under
 * {@code src/test/resources/io/etalon/onnx/OnnxLoaderFuzzTestInputs/load/}; {@code mvn verify -Pfuzz -pl onnx}
 * fuzzes for the budget below. Any exception other than the two one-line model exceptions is a finding.
 */
class OnnxLoaderFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void load(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("etalon-fuzz-", ".onnx");
        try {
            Files.write(file, bytes);
            OnnxModels.load(file);
        } catch (ModelFormatException | UnsupportedOpException expected) {
            if (expected.getMessage().contains("\n")) {
                throw new AssertionError("multi-line message: " + expected.getMessage());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
