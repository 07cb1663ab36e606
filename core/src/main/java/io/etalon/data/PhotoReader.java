package io.etalon.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Reads photos as people have them, through the JDK's ImageIO and whatever ImageIO plugins are on the class path (the
 * command line ships TwelveMonkeys' JPEG plugin, which adds YCCK and damaged-file handling; this class compiles
 * against the JDK only):
 * <ul>
 * <li>JPEG: baseline, progressive, grey, CMYK (and YCCK with the plugin); the EXIF orientation (APP1, tag 0x0112) is
 *     applied, as PIL's {@code ImageOps.exif_transpose} does;</li>
 * <li>PNG: 1, 2, 4, 8 and 16 bits; grey, grey+alpha, RGB, RGBA, palette (with or without transparency);</li>
 * <li>BMP.</li>
 * </ul>
 * Values are the stored code values divided by {@code 2^bits - 1}: no colour management (an embedded ICC profile is
 * ignored), as PIL gives them. CMYK becomes RGB by PIL's rule, {@code R = (255 - K) - C (255 - K) / 255} in 8-bit
 * integer arithmetic. A file whose decoder reports damage (a truncated JPEG decodes with a grey tail and a warning) is
 * refused with one line naming it.
 *
 * <p>Example: {@code Photo cat = PhotoReader.read(Path.of("data/photos/chelsea.png")); // RGB, 451x300}
 */
public final class PhotoReader {

    /** File name endings taken from a folder, lower case. */
    public static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");

    private static final int EXIF_ORIENTATION_TAG = 0x0112;

    /** Decoder warnings that mean the pixels are not all there (libjpeg: "Premature end of JPEG file", ...). */
    private static final java.util.regex.Pattern DAMAGE =
            java.util.regex.Pattern.compile("(?i)truncat|premature|corrupt|missing|bogus|unexpected end");

    private PhotoReader() {
    }

    /**
     * The image files named by {@code filesOrFolders}: each file as given, each folder as its files ending in
     * {@link #EXTENSIONS} (any case, hidden files skipped), in name order.
     *
     * @throws NoSuchFileException if a path does not exist
     * @throws DataFormatException if a folder holds no image file, or no file is given
     */
    public static List<Path> files(List<Path> filesOrFolders) throws IOException {
        if (filesOrFolders.isEmpty()) {
            throw new DataFormatException("no image files were given; give photo files or folders of them");
        }
        List<Path> files = new ArrayList<>();
        for (Path path : filesOrFolders) {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path + ": no such file or folder");
            }
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            List<Path> inFolder = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!name.startsWith(".") && Files.isRegularFile(entry) && EXTENSIONS.stream().anyMatch(lower::endsWith)) {
                        inFolder.add(entry);
                    }
                }
            }
            if (inFolder.isEmpty()) {
                throw new DataFormatException(path + ": the folder holds no image files (" + String.join(", ", EXTENSIONS)
                        + "); give a folder of photos or the files themselves");
            }
            inFolder.sort(Comparator.comparing(p -> p.getFileName().toString()));
            files.addAll(inFolder);
        }
        return files;
    }

    /**
     * Reads one photo file.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws DataFormatException if it is not a readable image, or is damaged or truncated
     */
    public static Photo read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file + ": no such file");
        }
        return decode(Files.readAllBytes(file), file.toString());
    }

    /**
     * A photo from an image already decoded in memory (a {@code BufferedImage} from ImageIO, a camera, a drawing), read
     * as {@link #read} reads a file's pixels: sRGB code values over {@code 2^bits - 1}, grey stays grey, alpha apart; no
     * EXIF orientation (the image is taken as upright).
     *
     * @param image not modified
     * @param name  what to call the image in messages
     * @throws DataFormatException if the image has no pixels or a colour model Etalon cannot read
     */
    public static Photo fromImage(BufferedImage image, String name) {
        return photo(image, name, "BufferedImage", 1);
    }

    /**
     * Decodes one photo from the bytes of its file, as {@link #read} reads a file.
     *
     * @param content not modified; the bytes of a JPEG, PNG or BMP file
     * @param name    what to call the photo in messages (a file name, a table row)
     */
    public static Photo decode(byte[] content, String name) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(content))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DataFormatException(name + ": not an image Etalon can read; give a JPEG, PNG or BMP file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                List<String> damage = new ArrayList<>();
                reader.addIIOReadWarningListener((source, message) -> {
                    // decoders also warn of harmless things (a CMYK file without an ICC profile): only damage counts
                    if (DAMAGE.matcher(message).find()) {
                        damage.add(message);
                    }
                });
                String format = reader.getFormatName();
                Node metadata = format.equalsIgnoreCase("jpeg") ? nativeMetadata(reader.getImageMetadata(0)) : null;
                int orientation = metadata == null ? 1 : exifOrientation(metadata);
                int adobeTransform = metadata == null ? -1 : adobeTransform(metadata);
                Photo photo;
                if (hasCmykType(reader) && adobeTransform != 2) {
                    // the stored ink values, converted below as PIL does (a plugin's read would apply an ICC profile);
                    // files with an Adobe marker store them inverted, as PIL's rawmode CMYK;I assumes
                    Raster ink = reader.readRaster(0, null);
                    checkIntact(damage, name, format);
                    photo = oriented(name, format, false, cmykToRgb(ink, adobeTransform >= 0, name), null, 8,
                            ink.getHeight(), ink.getWidth(), orientation);
                } else {
                    ImageReadParam param = reader.getDefaultReadParam();
                    ImageTypeSpecifier stored = embeddedProfileType(reader);
                    if (stored != null) {
                        // read into the file's own colour space: the default converts an embedded profile (Adobe RGB,
                        // say) to sRGB, which changes the values PIL and torchvision see
                        param.setDestinationType(stored);
                    }
                    BufferedImage image = reader.read(0, param);
                    checkIntact(damage, name, format);
                    photo = photo(image, name, format, orientation);
                }
                return photo;
            } finally {
                reader.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(name + ": not a readable image, damaged or truncated (" + e.getMessage()
                    + "); give a complete JPEG, PNG or BMP file");
        }
    }

    private static void checkIntact(List<String> damage, String name, String format) {
        if (!damage.isEmpty()) {
            throw new DataFormatException(name + ": damaged or truncated " + format + " file (" + damage.get(0)
                    + "); give a complete file");
        }
    }

    /** The reader's image type in the colour space of the file's embedded RGB profile, or null when there is none. */
    private static ImageTypeSpecifier embeddedProfileType(ImageReader reader) throws IOException {
        for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
            ImageTypeSpecifier type = types.next();
            ColorSpace space = type.getColorModel().getColorSpace();
            if (space.getType() == ColorSpace.TYPE_RGB && !space.isCS_sRGB()
                    && type.getColorModel() instanceof ComponentColorModel) {
                return type;
            }
        }
        return null;
    }

    private static boolean hasCmykType(ImageReader reader) throws IOException {
        for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
            if (types.next().getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                return true;
            }
        }
        return false;
    }

    private static Photo photo(BufferedImage image, String name, String format, int orientation) {
        int height = image.getHeight();
        int width = image.getWidth();
        int plane = height * width;
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        boolean grey;
        float[] pixels;
        float[] alpha = null;
        int bits = 8;
        if (model instanceof IndexColorModel palette) {
            grey = greyPalette(palette);
            pixels = new float[(grey ? 1 : 3) * plane];
            alpha = palette.hasAlpha() ? new float[plane] : null;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int index = raster.getSample(x, y, 0);
                    int i = y * width + x;
                    pixels[i] = palette.getRed(index) / 255f;
                    if (!grey) {
                        pixels[plane + i] = palette.getGreen(index) / 255f;
                        pixels[2 * plane + i] = palette.getBlue(index) / 255f;
                    }
                    if (alpha != null) {
                        alpha[i] = palette.getAlpha(index) / 255f;
                    }
                }
            }
        } else if (model instanceof ComponentColorModel && raster.getNumBands() == model.getNumComponents()) {
            int space = model.getColorSpace().getType();
            int colours = model.getNumColorComponents();
            if ((space == ColorSpace.TYPE_GRAY && colours == 1) || (space == ColorSpace.TYPE_RGB && colours == 3)) {
                grey = colours == 1;
                bits = model.getComponentSize(0);
                pixels = new float[colours * plane];
                for (int c = 0; c < colours; c++) {
                    samples(raster, c, model.getComponentSize(c), pixels, c * plane);
                }
            } else {
                throw new DataFormatException(name + ": colour space of type " + space + " with " + colours
                        + " components is not supported; save the photo as sRGB or grey");
            }
            if (model.hasAlpha()) {
                alpha = new float[plane];
                samples(raster, colours, model.getComponentSize(colours), alpha, 0);
            }
        } else {
            // packed pixels (16- and 32-bit BMPs): their colour model is sRGB, so getRGB returns the stored values
            if (!model.getColorSpace().isCS_sRGB()) {
                throw new DataFormatException(name + ": " + model.getClass().getSimpleName() + " in a non-sRGB colour space"
                        + " is not supported; save the photo as sRGB or grey");
            }
            grey = false;
            pixels = new float[3 * plane];
            alpha = model.hasAlpha() ? new float[plane] : null;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int argb = image.getRGB(x, y);
                    int i = y * width + x;
                    pixels[i] = ((argb >> 16) & 0xFF) / 255f;
                    pixels[plane + i] = ((argb >> 8) & 0xFF) / 255f;
                    pixels[2 * plane + i] = (argb & 0xFF) / 255f;
                    if (alpha != null) {
                        alpha[i] = (argb >>> 24) / 255f;
                    }
                }
            }
        }
        return oriented(name, format, grey, pixels, alpha, bits, height, width, orientation);
    }

    /** The photo of stored {@code (C, height, width)} pixels and alpha, turned upright. */
    private static Photo oriented(String name, String format, boolean grey, float[] pixels, float[] alpha, int bits,
                                  int height, int width, int orientation) {
        boolean turned = orientation >= 5;
        return new Photo(name, format, grey, turned ? width : height, turned ? height : width,
                oriented(pixels, grey ? 1 : 3, height, width, orientation),
                alpha == null ? null : oriented(alpha, 1, height, width, orientation), bits, orientation);
    }

    /** Writes band {@code band} of {@code raster} divided by {@code 2^bits - 1} into {@code out} from {@code offset}. */
    private static void samples(Raster raster, int band, int bits, float[] out, int offset) {
        double max = (1L << bits) - 1;
        int width = raster.getWidth();
        int height = raster.getHeight();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, band, row);
            for (int x = 0; x < width; x++) {
                out[offset + y * width + x] = (float) (row[x] / max);
            }
        }
    }

    /** A palette counts as grey when every entry has R = G = B (PNG's 1-, 2- and 4-bit greys are read as one). */
    private static boolean greyPalette(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            if (palette.getRed(i) != palette.getGreen(i) || palette.getRed(i) != palette.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * PIL's CMYK to RGB (Convert.c cmyk2rgb): {@code (255 - K) - round(C (255 - K) / 255)} per channel, in 8-bit integers.
     *
     * @param raster   not modified; four 8-bit bands of ink, inverted when {@code inverted}
     * @return {@code (3, height, width)} RGB in {@code [0, 1]}
     */
    private static float[] cmykToRgb(Raster raster, boolean inverted, String name) {
        if (raster.getNumBands() != 4 || raster.getSampleModel().getSampleSize(0) != 8) {
            throw new DataFormatException(name + ": CMYK with " + raster.getNumBands() + " bands of "
                    + raster.getSampleModel().getSampleSize(0) + " bits is not supported; save the photo as 8-bit RGB");
        }
        int height = raster.getHeight();
        int width = raster.getWidth();
        int plane = height * width;
        float[] rgb = new float[3 * plane];
        int[] ink = new int[4];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.getPixel(raster.getMinX() + x, raster.getMinY() + y, ink);
                if (inverted) {
                    for (int c = 0; c < 4; c++) {
                        ink[c] = 255 - ink[c];
                    }
                }
                int paper = 255 - ink[3];
                for (int c = 0; c < 3; c++) {
                    int product = ink[c] * paper + 128;
                    int value = paper - (((product >> 8) + product) >> 8);
                    rgb[c * plane + y * width + x] = Math.max(0, Math.min(255, value)) / 255f;
                }
            }
        }
        return rgb;
    }

    /**
     * The image {@code (channels, height, width)} turned upright for EXIF orientation {@code orientation}, as PIL's
     * {@code exif_transpose} does: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse,
     * 8 rotate 90 anticlockwise. Orientations 5 to 8 swap height and width.
     */
    static float[] oriented(float[] image, int channels, int height, int width, int orientation) {
        if (orientation == 1) {
            return image;
        }
        boolean turned = orientation >= 5;
        int outHeight = turned ? width : height;
        int outWidth = turned ? height : width;
        int plane = height * width;
        float[] out = new float[image.length];
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                // the stored (row, column) that lands on (y, x)
                int row;
                int column;
                switch (orientation) {
                    case 2 -> { row = y; column = width - 1 - x; }
                    case 3 -> { row = height - 1 - y; column = width - 1 - x; }
                    case 4 -> { row = height - 1 - y; column = x; }
                    case 5 -> { row = x; column = y; }
                    case 6 -> { row = height - 1 - x; column = y; }
                    case 7 -> { row = height - 1 - x; column = width - 1 - y; }
                    default -> { row = x; column = width - 1 - y; }
                }
                for (int c = 0; c < channels; c++) {
                    out[c * plane + y * outWidth + x] = image[c * plane + row * width + column];
                }
            }
        }
        return out;
    }

    private static Node nativeMetadata(IIOMetadata metadata) {
        return metadata == null || metadata.getNativeMetadataFormatName() == null ? null
                : metadata.getAsTree(metadata.getNativeMetadataFormatName());
    }

    /** The orientation in a JPEG's EXIF block (APP1), as the native ImageIO metadata holds it; 1 when absent. */
    private static int exifOrientation(Node metadata) {
        byte[] exif = exifBlock(metadata);
        return exif == null ? 1 : exifOrientation(exif);
    }

    /** The transform of a JPEG's Adobe marker (APP14: 0 CMYK or RGB, 1 YCbCr, 2 YCCK), or -1 when it has none. */
    private static int adobeTransform(Node node) {
        if (node.getNodeName().equals("app14Adobe") && node.getAttributes() != null) {
            Node transform = node.getAttributes().getNamedItem("transform");
            return transform == null ? 0 : Integer.parseInt(transform.getNodeValue());
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            int found = adobeTransform(child);
            if (found >= 0) {
                return found;
            }
        }
        return -1;
    }

    private static byte[] exifBlock(Node node) {
        if (node instanceof IIOMetadataNode element && element.getUserObject() instanceof byte[] bytes && bytes.length > 6
                && bytes[0] == 'E' && bytes[1] == 'x' && bytes[2] == 'i' && bytes[3] == 'f' && bytes[4] == 0 && bytes[5] == 0) {
            return bytes;
        }
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            byte[] found = exifBlock(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * Tag 0x0112 of the first image directory of an APP1 block ({@code "Exif\0\0"}, then a TIFF header: byte order,
     * 42, offset of the directory; each entry is tag, type, count, value in 12 bytes). 1 when absent or out of range.
     */
    static int exifOrientation(byte[] app1) {
        int tiff = 6;
        if (app1.length < tiff + 8) {
            return 1;
        }
        ByteBuffer bytes = ByteBuffer.wrap(app1);
        if (app1[tiff] == 'I' && app1[tiff + 1] == 'I') {
            bytes.order(ByteOrder.LITTLE_ENDIAN);
        } else if (app1[tiff] != 'M' || app1[tiff + 1] != 'M') {
            return 1;
        }
        long directory = tiff + Integer.toUnsignedLong(bytes.getInt(tiff + 4));
        if (directory + 2 > app1.length) {
            return 1;
        }
        int entries = Short.toUnsignedInt(bytes.getShort((int) directory));
        for (int k = 0; k < entries; k++) {
            int at = (int) directory + 2 + 12 * k;
            if (at + 12 > app1.length) {
                return 1;
            }
            if (Short.toUnsignedInt(bytes.getShort(at)) == EXIF_ORIENTATION_TAG) {
                int type = Short.toUnsignedInt(bytes.getShort(at + 2));
                int value = type == 3 ? Short.toUnsignedInt(bytes.getShort(at + 8)) : type == 4 ? bytes.getInt(at + 8) : 1;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }
}
