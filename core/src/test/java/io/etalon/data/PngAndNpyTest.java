package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.render.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngAndNpyTest {

    @TempDir
    Path folder;

    @Test
    void pngRoundTripKeepsGreyLevels() throws Exception {
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 256) / 255f;
        }
        Path file = folder.resolve("digit.png");
        Images.writePng(Images.grey(pixels, 28, 28, 1), file);
        ImageSet read = PngImages.read(List.of(file), 28, 28);
        assertThat(read.pixels()).containsExactly(pixels);
    }

    @Test
    void pngOfTheWrongSizeIsRefusedWithTheFix() throws Exception {
        Path file = folder.resolve("big.png");
        Images.writePng(Images.grey(new float[32 * 30], 30, 32, 1), file);
        assertThatThrownBy(() -> PngImages.read(List.of(file), 28, 28)).isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": image is 32x30 pixels but the model takes 28x28; resize it to 28x28");
        Path text = Files.writeString(folder.resolve("text.png"), "not a picture");
        assertThatThrownBy(() -> PngImages.read(List.of(text), 28, 28)).hasMessageContaining("not a readable image");
    }

    @Test
    void npyRoundTripAndHeaderAlignment() throws Exception {
        Path file = folder.resolve("a.npy");
        float[] values = {1.5f, -2f, 0f, 3.25f, 7f, 8f};
        Npy.writeFloat32(file, new int[] {2, 1, 3}, values);
        byte[] bytes = Files.readAllBytes(file);
        assertThat((bytes.length - values.length * 4) % 64).as("header padded to 64 bytes").isZero();
        Npy.Array array = Npy.read(file);
        assertThat(array.shape()).containsExactly(2, 1, 3);
        assertThat(array.values()).containsExactly(1.5, -2, 0, 3.25, 7, 8);
        assertThatThrownBy(() -> Npy.read(Files.writeString(folder.resolve("b.npy"), "hello world")))
                .hasMessageContaining("not a .npy file");
    }
}
