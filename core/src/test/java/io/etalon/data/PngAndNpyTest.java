package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.render.Images;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
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
    void greyPngWriteThenReadGivesBackEveryLevel() throws Exception {
        float[] pixels = new float[16 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i / 255f;
        }
        Path file = folder.resolve("levels.png");
        PngImages.write(file, pixels, 16, 16);
        assertThat(ImageIO.read(file.toFile()).getType()).as("an 8-bit grey PNG").isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(PngImages.read(List.of(file), 16, 16).pixels()).containsExactly(pixels);
        assertThat(folder.toFile().list()).as("no temporary file left").containsExactly("levels.png");
    }

    @Test
    void greyPngsReadTheirStoredSamplesNotGammaBrightenedOnes() throws Exception {
        // Java's getRGB maps grey sample 128 to 188: the reader must not go through it for grey PNGs
        BufferedImage grey8 = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey8.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
        BufferedImage grey16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 32896, 65535});
        ComponentColorModel greyAlphaModel = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true,
                false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster greyAlphaRaster = greyAlphaModel.createCompatibleWritableRaster(3, 1);
        greyAlphaRaster.setPixels(0, 0, 3, 1, new int[] {255, 0, 200, 255, 255, 51});
        BufferedImage greyAlpha = new BufferedImage(greyAlphaModel, greyAlphaRaster, false, null);

        assertThat(readBack(grey8, "grey8.png")).containsExactly(0f, 128 / 255f, 1f);
        assertThat(readBack(grey16, "grey16.png")).containsExactly(0f, (float) (32896 / 65535.0), 1f);
        assertThat(readBack(greyAlpha, "grey-alpha.png"))
                .as("transparent is black: level times opacity")
                .containsExactly(0f, 200 / 255f, (float) (51 / 255.0));
    }

    @Test
    void colourBecomesLuminanceAndTransparencyBecomesBlack() throws Exception {
        BufferedImage colour = new BufferedImage(4, 1, BufferedImage.TYPE_INT_ARGB);
        colour.setRGB(0, 0, 0xFFFF0000);
        colour.setRGB(1, 0, 0xFF00FF00);
        colour.setRGB(2, 0, 0xFF0000FF);
        colour.setRGB(3, 0, 0x80FFFFFF);
        assertThat(readBack(colour, "colour.png")).containsExactly(
                (float) (0.299 * 255 / 255), (float) (0.587 * 255 / 255), (float) (0.114 * 255 / 255), (float) (128 / 255.0));
    }

    @Test
    void writingNanOrAMismatchedSizeIsRefused() {
        Path file = folder.resolve("bad.png");
        float[] pixels = new float[4];
        pixels[3] = Float.NaN;
        assertThatThrownBy(() -> PngImages.write(file, pixels, 2, 2))
                .hasMessage(file + ": pixel 3 is NaN; pixels must be finite numbers");
        assertThatThrownBy(() -> PngImages.write(file, new float[5], 2, 2))
                .hasMessage("a 2x2 grey image needs 4 pixels, got 5");
        assertThat(folder.toFile().list()).isEmpty();
    }

    private float[] readBack(BufferedImage image, String name) throws Exception {
        Path file = folder.resolve(name);
        assertThat(ImageIO.write(image, "png", file.toFile())).isTrue();
        return PngImages.read(List.of(file), image.getHeight(), image.getWidth()).pixels();
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
        assertThat(Npy.encodeFloat32(new int[] {2, 1, 3}, values)).as("the bytes the file holds").isEqualTo(bytes);
    }

    @Test
    void npyReadsUnsignedBytesAsNumPyWritesThem() throws Exception {
        // numpy.save of np.array([[0, 7], [128, 255]], dtype=np.uint8): version 1.0, header padded to 128 bytes
        String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }";
        header = header + " ".repeat(128 - 10 - header.length() - 1) + "\n";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        bytes.write(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        bytes.write(new byte[] {0, 7, (byte) 128, (byte) 255});
        Path file = Files.write(folder.resolve("pixels.npy"), bytes.toByteArray());
        Npy.Array array = Npy.read(file);
        assertThat(array.shape()).containsExactly(2, 2);
        assertThat(array.values()).containsExactly(0, 7, 128, 255);
        Path wide = Files.write(folder.resolve("wide.npy"), new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("|u1", "<i2").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Npy.read(wide)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("dtype <i2 is not supported; use float32, float64, int64, uint8 or uint16");
    }

    @Test
    void decodingTheBytesOfAPngEqualsReadingItsFile() throws Exception {
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 7 % 256) / 255f;
        }
        Path file = folder.resolve("digit.png");
        PngImages.write(file, pixels, 28, 28);
        byte[] content = Files.readAllBytes(file);
        assertThat(PngImages.decode(content, "row 5", 28, 28)).containsExactly(PngImages.read(List.of(file), 28, 28).pixels());
        assertThatThrownBy(() -> PngImages.decode(content, "row 5", 32, 32)).isInstanceOf(DataFormatException.class)
                .hasMessage("row 5: image is 28x28 pixels but the model takes 32x32; resize it to 32x32");
        assertThatThrownBy(() -> PngImages.decode(new byte[] {1, 2, 3}, "row 6", 28, 28))
                .hasMessageStartingWith("row 6: not a readable image");
    }
}
