package io.etalon.bench;

import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The peer at ImageNet scale: a TorchScript network (made by {@code tools/bench/export_imagenet.py} with the same
 * weights as the ONNX file Etalon reads) in libtorch through DJL, with etalons by autograd as a PyTorch user computes
 * them: one forward pass of the batch with the input's gradient on, the k best classes of each image read from its
 * scores, then k backward passes that keep the graph, pass j pushing one-hot rows at each image's j-th class. Each
 * image's etalon of a class is then the gradient of its score. The parameters' gradients are off, so libtorch
 * computes only the input's.
 */
final class DjlTorchScript implements AutoCloseable {

    private final Model model;
    private final Block block;
    private final NDManager manager;
    private final int classes;

    /**
     * @param file a TorchScript file taking {@code (N, 3, 224, 224)} and giving {@code (N, classes)}
     */
    DjlTorchScript(Path file, int classes) throws IOException, MalformedModelException {
        // a graph that can give input gradients needs its parameters loaded as trainable; their own gradients are then
        // turned off so that backward computes the input's only
        model = Model.newInstance(file.getFileName().toString(), "PyTorch");
        model.load(file.getParent(), file.getFileName().toString(), Map.of("trainParam", "true"));
        block = model.getBlock();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            parameter.getValue().getArray().setRequiresGradient(false);
        }
        manager = model.getNDManager();
        this.classes = classes;
        // DJL runs a block's forward in training mode with autograd on, and otherwise with autograd off; input
        // gradients need it on, but batch norm and dropout must stay in evaluation mode: so the block is switched
        // to training once, and the module alone back to evaluation
        try (NDManager scope = manager.newSubManager()) {
            forward(scope.zeros(new Shape(1, 3, 224, 224)));
        }
        JniUtils.enableInferenceMode((PtSymbolBlock) block);
    }

    private NDArray forward(NDArray x) {
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), true).singletonOrThrow();
    }

    /** Scores of a batch, {@code (batch, classes)}, with no gradient kept. */
    float[] scores(float[] images, int batch) {
        try (NDManager scope = manager.newSubManager()) {
            boolean before = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                return forward(scope.create(images, new Shape(batch, 3, 224, 224))).toFloatArray();
            } finally {
                JniUtils.setGradMode(before);
            }
        }
    }

    /** Etalons of each image's {@code k} best classes, best first, {@code (batch, k, 3*224*224)}. */
    float[] etalons(float[] images, int batch, int k) {
        int pixels = 3 * 224 * 224;
        float[] result = new float[batch * k * pixels];
        try (NDManager scope = manager.newSubManager();
             GradientCollector collector = scope.getEngine().newGradientCollector()) {
            NDArray x = scope.create(images, new Shape(batch, 3, 224, 224));
            x.setRequiresGradient(true);
            NDArray scores = forward(x);
            float[] values = scores.toFloatArray();
            int[][] top = new int[batch][];
            for (int b = 0; b < batch; b++) {
                top[b] = TopClasses.of(values, b * classes, classes, k);
            }
            for (int j = 0; j < k; j++) {
                float[] oneHot = new float[batch * classes];
                for (int b = 0; b < batch; b++) {
                    oneHot[b * classes + top[b][j]] = 1f;
                }
                NDArray target = scores.mul(scope.create(oneHot, new Shape(batch, classes))).sum();
                JniUtils.backward((PtNDArray) target, (PtNDArray) scope.ones(target.getShape()), j + 1 < k, false);
                float[] gradient = x.getGradient().toFloatArray();
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(gradient, b * pixels, result, (b * k + j) * pixels, pixels);
                }
                JniUtils.zeroGrad((PtNDArray) x);
            }
        }
        return result;
    }

    @Override
    public void close() {
        model.close();
    }
}
