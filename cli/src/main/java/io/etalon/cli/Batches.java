package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.data.ImageSet;
import io.etalon.etalon.NeuronSelection;
import java.util.List;

/** Explains an image set chunk by chunk under a progress bar, so memory grows with the chunk, not the set. */
final class Batches {

    /** Receives each image's explanation, in image order. */
    interface Each {
        void accept(int index, float[] image, ExplainedImage explanation);
    }

    static final int CHUNK = 256;

    private Batches() {
    }

    /** Explains every image of {@code images} for {@code neurons} through the library's front door. */
    static void explain(Etalons etalons, ImageSet images, NeuronSelection neurons, String task, Each each) {
        try (Progress progress = new Progress(task, images.count())) {
            for (int first = 0; first < images.count(); first += CHUNK) {
                int[] indices = java.util.stream.IntStream.range(first, Math.min(images.count(), first + CHUNK)).toArray();
                ImageSet chunk = images.select(indices);
                int done = first;
                List<ExplainedImage> answers = etalons.explainAll(chunk.pixels(), chunk.count(), neurons,
                        finished -> progress.stepTo(done + finished));
                for (int k = 0; k < indices.length; k++) {
                    each.accept(indices[k], chunk.image(k), answers.get(k));
                }
            }
        }
    }
}
