package io.etalon.data;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The names of a classifier's output neurons, read from a text file of one name per line (UTF-8, as torchvision's
 * and PyTorch Hub's {@code imagenet_classes.txt} are); line {@code i} names output {@code i}. Surrounding spaces
 * are trimmed; a final empty line is allowed, an empty name is not.
 *
 * <pre>{@code
 * ClassNames names = ClassNames.read(Path.of("models/imagenet_classes.txt"), 1000);
 * names.name(281)   // "tabby"
 * }</pre>
 *
 * @param names one per output neuron, in output order (copied in and out)
 */
public record ClassNames(List<String> names) {

    public ClassNames {
        names = List.copyOf(names);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isBlank()) {
                throw new DataFormatException("class " + i + " has an empty name; give one name per line");
            }
        }
    }

    /**
     * Reads a class file and checks it names exactly {@code outputs} classes.
     *
     * @throws DataFormatException naming the file, its number of names and the model's number of outputs
     */
    public static ClassNames read(Path file, int outputs) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": no such class file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new DataFormatException(file + ": not a UTF-8 text file; give one class name per line");
        }
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        if (lines.size() != outputs) {
            throw new DataFormatException(file + ": names " + lines.size() + " classes but the model has " + outputs
                    + " outputs; give a file of " + outputs + " lines, one name per output in order");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new DataFormatException(file + ": line " + (i + 1) + " is empty; give one class name per line");
            }
        }
        return new ClassNames(lines.stream().map(String::trim).toList());
    }

    /** The name of output {@code index}. */
    public String name(int index) {
        return names.get(index);
    }

    /** How many classes are named. */
    public int size() {
        return names.size();
    }
}
