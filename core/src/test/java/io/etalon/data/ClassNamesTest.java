package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassNamesTest {

    @TempDir
    Path folder;

    @Test
    void lineIRenamesOutputI() throws Exception {
        Path file = Files.writeString(folder.resolve("classes.txt"), "tench\n goldfish \ngreat white shark\n");
        ClassNames names = ClassNames.read(file, 3);
        assertThat(names.size()).isEqualTo(3);
        assertThat(names.name(1)).isEqualTo("goldfish");
        assertThat(names.names()).containsExactly("tench", "goldfish", "great white shark");
    }

    @Test
    void theShippedImageNetNamesMatchTheShippedModel() throws Exception {
        ClassNames names = ClassNames.read(Path.of("..", "models", "imagenet_classes.txt"), 1000);
        assertThat(names.name(0)).isEqualTo("tench");
        assertThat(names.name(281)).isEqualTo("tabby");
        assertThat(names.name(999)).isEqualTo("toilet tissue");
    }

    @Test
    void aFileOfTheWrongLengthIsNamedWithTheFix() throws Exception {
        Path file = Files.writeString(folder.resolve("classes.txt"), "cat\ndog\n");
        assertThatThrownBy(() -> ClassNames.read(file, 10)).isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": names 2 classes but the model has 10 outputs; give a file of 10 lines, one name per output in order");
        Path blank = Files.writeString(folder.resolve("blank.txt"), "cat\n\ndog\n");
        assertThatThrownBy(() -> ClassNames.read(blank, 3)).hasMessageContaining("line 2 is empty");
        assertThatThrownBy(() -> ClassNames.read(folder.resolve("missing.txt"), 3)).isInstanceOf(NoSuchFileException.class);
    }
}
