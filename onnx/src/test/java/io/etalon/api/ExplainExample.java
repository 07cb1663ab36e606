package io.etalon.api;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedNeuron;
import io.etalon.data.Idx;
import io.etalon.data.Preprocessing;
import java.nio.file.Path;

public class ExplainExample {
    public static void main(String[] args) throws Exception {
        Etalons squeezenet = Etalons.load(Path.of("models/squeezenet1_1.onnx"), Preprocessing.IMAGENET)
                .withClasses(Path.of("models/imagenet_classes.txt"));
        for (ExplainedNeuron n : squeezenet.explain(Path.of("data/photos/chelsea.png"), "top:3").neurons()) {
            System.out.printf("%-14s %6.2f = <W, X> + %6.2f  residual %.1e%n", n.className(), n.score(), n.bias(), n.residual());
        }
        Etalons lenet = Etalons.load(Path.of("models/lenet-mnist.onnx"));
        float[] digit = Idx.readImages(Path.of("data/mnist/test-images-idx3-ubyte.gz")).image(0);
        for (ExplainedNeuron n : lenet.explain(digit, "output").neurons()) {
            float[] w = n.etalon(); // 1x28x28: score = <w, digit> + bias exactly, in this digit's linear region
            System.out.printf("digit %d %6.2f = <W, X> + %6.2f  residual %.1e%n", n.index(), n.score(), n.bias(), n.residual());
        }
    }
}
