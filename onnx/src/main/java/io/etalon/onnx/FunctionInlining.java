package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The first pass: model-local functions ({@code ModelProto.functions}, which the torch.onnx dynamo exporter writes
 * for each submodule) are inlined, so that the later passes see only operators. Each call's body gets its tensors
 * renamed under the call's name, its formal inputs and outputs bound to the call's, and attributes that refer to the
 * call's ({@code ref_attr_name}) given the call's values or the function's defaults. A function that calls itself,
 * directly or not, is refused.
 */
final class FunctionInlining {

    /** Deepest nesting of calls followed; deeper is refused as a likely cycle or a hostile file. */
    private static final int MAX_DEPTH = 32;

    private final String file;
    private final Map<String, FunctionProto> functions = new HashMap<>();
    private int calls;

    private FunctionInlining(String file, ModelProto model) {
        this.file = file;
        for (FunctionProto function : model.getFunctionsList()) {
            functions.put(key(function.getDomain(), function.getName()), function);
        }
    }

    /** The graph's nodes with every call of a model-local function replaced by its body. */
    static List<NodeProto> inline(String file, ModelProto model) {
        if (model.getFunctionsCount() == 0) {
            return model.getGraph().getNodeList();
        }
        FunctionInlining inlining = new FunctionInlining(file, model);
        List<NodeProto> out = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            inlining.expand(node, out, new LinkedHashSet<>());
        }
        return out;
    }

    private static String key(String domain, String name) {
        return domain + "." + name;
    }

    private void expand(NodeProto node, List<NodeProto> out, LinkedHashSet<String> callers) {
        String key = key(node.getDomain(), node.getOpType());
        FunctionProto function = functions.get(key);
        if (function == null) {
            out.add(node);
            return;
        }
        if (callers.contains(key) || callers.size() >= MAX_DEPTH) {
            throw new ModelFormatException(file + ": function " + node.getOpType() + " (domain '" + node.getDomain()
                    + "') calls itself through " + String.join(" -> ", callers) + "; ONNX functions cannot recurse");
        }
        String scope = Messages.nodeName(node) + "/" + (calls++) + "/";
        Map<String, String> renamed = new HashMap<>();
        renamed.put("", "");
        for (int k = 0; k < function.getInputCount(); k++) {
            renamed.put(function.getInput(k), k < node.getInputCount() ? node.getInput(k) : "");
        }
        for (int k = 0; k < function.getOutputCount(); k++) {
            renamed.put(function.getOutput(k), k < node.getOutputCount() ? node.getOutput(k) : scope + function.getOutput(k));
        }
        Map<String, AttributeProto> given = new HashMap<>();
        for (AttributeProto attribute : function.getAttributeProtoList()) {
            given.put(attribute.getName(), attribute); // defaults
        }
        for (AttributeProto attribute : node.getAttributeList()) {
            given.put(attribute.getName(), attribute);
        }
        LinkedHashSet<String> chain = new LinkedHashSet<>(callers);
        chain.add(key);
        for (NodeProto inner : function.getNodeList()) {
            NodeProto.Builder copy = inner.toBuilder().clearInput().clearOutput().clearAttribute()
                    .setName(scope + Messages.nodeName(inner));
            for (String input : inner.getInputList()) {
                copy.addInput(renamed.computeIfAbsent(input, name -> scope + name));
            }
            for (String output : inner.getOutputList()) {
                copy.addOutput(renamed.computeIfAbsent(output, name -> scope + name));
            }
            for (AttributeProto attribute : inner.getAttributeList()) {
                if (attribute.getRefAttrName().isEmpty()) {
                    copy.addAttribute(attribute);
                } else if (given.containsKey(attribute.getRefAttrName())) {
                    copy.addAttribute(given.get(attribute.getRefAttrName()).toBuilder().setName(attribute.getName()));
                } // an attribute referring to one the call does not give is left out: the op's default applies
            }
            expand(copy.build(), out, chain);
        }
    }
}
