package io.etalon.etalon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

class NeuronTest {

    private final Network lenet = LeNet.create(1);

    @Test
    void parsesEveryForm() {
        assertThat(Neuron.parse("output", lenet)).hasSize(10).first().hasToString("fc3:0");
        assertThat(Neuron.parse("fc1:5", lenet)).containsExactly(new Neuron("fc1", 7, 5));
        // conv2 output is 16x10x10: (3,4,4) -> 3*100 + 4*10 + 4
        assertThat(Neuron.parse("conv2:3,4,4", lenet)).containsExactly(new Neuron("conv2", 3, 344));
        assertThat(Neuron.parse("fc2", lenet)).hasSize(84);
        assertThat(Neuron.parseAll(List.of("fc3:1", "fc3:0"), lenet)).extracting(Neuron::index).containsExactly(1, 0);
    }

    @Test
    void unknownNeuronsAreNamedWithTheFix() {
        assertThatThrownBy(() -> Neuron.parse("fc9:1", lenet)).isInstanceOf(UnknownNeuronException.class)
                .hasMessageStartingWith("unknown layer 'fc9'").hasMessageContaining("conv1, relu1");
        assertThatThrownBy(() -> Neuron.parse("fc1:120", lenet))
                .hasMessage("neuron 'fc1:120' is out of range: fc1 has 120 neurons (0..119, shape 120)");
        assertThatThrownBy(() -> Neuron.parse("conv2:16,0,0", lenet)).hasMessageContaining("shape 16x10x10");
        assertThatThrownBy(() -> Neuron.parse("fc1:x", lenet)).hasMessageContaining("not a number");
    }
}
