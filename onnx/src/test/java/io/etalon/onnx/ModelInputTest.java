package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.data.Preprocessing;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule by which the command line and the library make a model's inputs: the user's choice, else its metadata. */
class ModelInputTest {

    private static final ModelInput.Choices NOTHING = ModelInput.Choices.NONE;

    @Test
    void aModelThatStatesNothingTakesPixelsAsTheyAre() {
        ModelInput input = ModelInput.resolve(Map.of(), NOTHING);
        assertThat(input.pixelScale()).isEqualTo(1);
        assertThat(input.mean()).isNull();
        assertThat(input.std()).isNull();
        assertThat(input.notes()).isEmpty();
        Preprocessing photos = input.preprocessing();
        assertThat(photos.name()).isEqualTo("none");
        assertThat(new int[] {photos.resize(), photos.cropHeight(), photos.cropWidth()}).containsExactly(0, 0, 0);
        assertThat(photos.mean()).isEmpty();
    }

    @Test
    void windowsMlPixelRangesStateScaleMeanAndStdTogether() {
        assertThat(ModelInput.resolve(Map.of("Image.NominalPixelRange", "NominalRange_0_255"), NOTHING).pixelScale())
                .isEqualTo(255);
        ModelInput minusOneToOne = ModelInput.resolve(Map.of("Image.NominalPixelRange", "Normalized_1_1"), NOTHING);
        assertThat(minusOneToOne.pixelScale()).isEqualTo(1);
        assertThat(minusOneToOne.mean()).containsExactly(0.5f);
        assertThat(minusOneToOne.std()).containsExactly(0.5f);
        assertThat(minusOneToOne.notes()).containsExactly("input pixels as the model's metadata states"
                + " (Image.NominalPixelRange = Normalized_1_1); --pixel-scale, --mean and --std override it");
        ModelInput video = ModelInput.resolve(Map.of("Image.NominalPixelRange", "NominalRange_16_235"), NOTHING);
        assertThat(video.pixelScale()).isEqualTo(219);
        assertThat(video.mean()).containsExactly(-16f);
        assertThat(video.std()).isNull();
        // a user who gives any of the three states the input: the range is not read
        ModelInput given = ModelInput.resolve(Map.of("Image.NominalPixelRange", "NominalRange_0_255"),
                new ModelInput.Choices(null, new float[] {0.5f}, null, null, null, null));
        assertThat(given.pixelScale()).isEqualTo(1);
        assertThat(given.notes()).isEmpty();
    }

    @Test
    void keysFillWhatTheUserDidNotGive() {
        Map<String, String> metadata = Map.of("pixel_scale", "255", "mean", "123.7, 116.3, 103.5", "std", "58.4,57.1,57.4");
        ModelInput stated = ModelInput.resolve(metadata, NOTHING);
        assertThat(stated.pixelScale()).isEqualTo(255);
        assertThat(stated.mean()).containsExactly(123.7f, 116.3f, 103.5f);
        assertThat(stated.std()).containsExactly(58.4f, 57.1f, 57.4f);
        assertThat(stated.notes()).containsExactly("input normalisation from the model's metadata (pixel_scale = 255,"
                + " mean = 123.7, 116.3, 103.5, std = 58.4,57.1,57.4); --pixel-scale, --mean and --std override it");
        ModelInput mixed = ModelInput.resolve(metadata, new ModelInput.Choices(1.0, null, new float[] {2f}, null, null, null));
        assertThat(mixed.pixelScale()).isEqualTo(1);
        assertThat(mixed.mean()).containsExactly(123.7f, 116.3f, 103.5f);
        assertThat(mixed.std()).containsExactly(2f);
        assertThat(mixed.notes()).containsExactly("input normalisation from the model's metadata (mean = 123.7, 116.3,"
                + " 103.5); --pixel-scale, --mean and --std override it");
    }

    @Test
    void aStatedPresetPreprocessesPhotosAndItsResizeAndCropRefineIt() {
        ModelInput imagenet = ModelInput.resolve(Map.of("preprocess", "imagenet"), NOTHING);
        Preprocessing photos = imagenet.preprocessing();
        assertThat(photos.name()).isEqualTo("imagenet");
        assertThat(new int[] {photos.resize(), photos.cropHeight(), photos.cropWidth()}).containsExactly(256, 224, 224);
        assertThat(imagenet.mean()).containsExactly(Preprocessing.IMAGENET.mean());
        assertThat(imagenet.std()).containsExactly(Preprocessing.IMAGENET.std());
        assertThat(imagenet.pixelScale()).isEqualTo(1);
        assertThat(imagenet.notes()).containsExactly("photos preprocessed as the model's metadata states (preprocess ="
                + " imagenet); --preprocess, --resize and --crop override it");
        Preprocessing refined = ModelInput.resolve(Map.of("preprocess", "imagenet", "resize", "320", "crop", "288x256"),
                NOTHING).preprocessing();
        assertThat(new int[] {refined.resize(), refined.cropHeight(), refined.cropWidth()}).containsExactly(320, 288, 256);
        Preprocessing bare = ModelInput.resolve(Map.of("resize", "36", "crop", "32"), NOTHING).preprocessing();
        assertThat(bare.name()).isEqualTo("custom");
        assertThat(new int[] {bare.resize(), bare.cropHeight(), bare.cropWidth()}).containsExactly(36, 32, 32);
    }

    @Test
    void theUsersPresetStatesTheWholePhotoPreprocessing() {
        Map<String, String> metadata = Map.of("preprocess", "imagenet", "resize", "320", "crop", "288", "pixel_scale", "255");
        ModelInput cifar = ModelInput.resolve(metadata, ModelInput.Choices.of(Preprocessing.CIFAR10));
        Preprocessing photos = cifar.preprocessing();
        assertThat(photos.name()).isEqualTo("cifar10");
        assertThat(new int[] {photos.resize(), photos.cropHeight(), photos.cropWidth()}).containsExactly(0, 0, 0);
        assertThat(cifar.mean()).containsExactly(Preprocessing.CIFAR10.mean());
        // the pixel scale is the model's, which no preset states
        assertThat(cifar.pixelScale()).isEqualTo(255);
        assertThat(cifar.notes()).containsExactly("input normalisation from the model's metadata (pixel_scale = 255);"
                + " --pixel-scale, --mean and --std override it");
        // a preset without normalisation leaves it to the metadata; --resize and --crop still refine the user's preset
        ModelInput none = ModelInput.resolve(Map.of("mean", "0.5", "std", "0.25"),
                new ModelInput.Choices(null, null, null, Preprocessing.NONE, 40, new int[] {32, 32}));
        assertThat(none.mean()).containsExactly(0.5f);
        assertThat(none.std()).containsExactly(0.25f);
        assertThat(none.preprocessing().name()).isEqualTo("custom");
        assertThat(none.preprocessing().resize()).isEqualTo(40);
    }

    @Test
    void unreadableMetadataNamesTheKeyAndTheOptionThatReplacesIt() {
        assertThatThrownBy(() -> ModelInput.resolve(Map.of("Image.NominalPixelRange", "Bgr8"), NOTHING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model's metadata Image.NominalPixelRange is 'Bgr8', which Etalon does not know; give"
                        + " --pixel-scale, --mean and --std instead");
        assertThatThrownBy(() -> ModelInput.resolve(Map.of("std", "0.5,zero"), NOTHING))
                .hasMessage("the model's metadata 'std' is '0.5,zero', not a comma-separated list of numbers; give --std"
                        + " instead");
        assertThatThrownBy(() -> ModelInput.resolve(Map.of("pixel_scale", "Infinity"), NOTHING))
                .hasMessageContaining("give --pixel-scale instead");
        assertThatThrownBy(() -> ModelInput.resolve(Map.of("crop", "big"), NOTHING))
                .hasMessage("the model's metadata 'crop' must be N or HxW (e.g. 224 or 224x224), got 'big'");
        assertThatThrownBy(() -> ModelInput.resolve(Map.of("preprocess", "coco"), NOTHING))
                .hasMessage("--preprocess must be imagenet, cifar10, mnist or none, got 'coco'");
    }
}
