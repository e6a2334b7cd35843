package org.forecaster.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes a one-node ONNX model, {@code LSTM} for one time step, as {@code ModelProto} bytes for ONNX
 * Runtime. Field numbers are those of onnx/onnx.proto (IR version 8):
 * <pre>
 * ModelProto       ir_version=1, opset_import=8 (OperatorSetIdProto: domain=1, version=2), graph=7
 * GraphProto       node=1, name=2, initializer=5, input=11, output=12
 * NodeProto        input=1, output=2, name=3, op_type=4, attribute=5
 * AttributeProto   name=1, i=3, type=20 (INT = 2)
 * TensorProto      dims=1, data_type=2 (FLOAT = 1), name=8, raw_data=9 (little-endian)
 * ValueInfoProto   name=1, type=2 -> TypeProto tensor_type=1 -> elem_type=1, shape=2 -> dim=1 -> dim_value=1
 * </pre>
 * Graph: inputs {@code X [1,batch,I]}, {@code initial_h}, {@code initial_c [1,batch,H]}; initializers
 * {@code W [1,4H,I]}, {@code R [1,4H,H]}, {@code B [1,8H]}; outputs {@code Y_h}, {@code Y_c [1,batch,H]}
 * (the full sequence output {@code Y} and {@code sequence_lens} are omitted with empty names).
 *
 * <p>ONNX stacks gates in the order <b>i, o, f, c</b> (c being our g) while {@link LstmReference} uses
 * i, f, g, o: {@link #ONNX_GATE_ORDER} maps one to the other. ONNX has two biases per gate ({@code Wb}
 * then {@code Rb} in B); ours go to Wb and Rb is zero.
 */
final class OnnxLstmModel {

    private static final long IR_VERSION = 8;
    private static final long OPSET = 14;
    private static final int FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;

    /** For ONNX gate block k (i, o, f, c), the {@link LstmReference} gate it takes its rows from. */
    static final int[] ONNX_GATE_ORDER = {
            LstmReference.GATE_I, LstmReference.GATE_O, LstmReference.GATE_F, LstmReference.GATE_G};

    private OnnxLstmModel() {}

    /** The model for {@code batch} keys of the reference cell's shape and weights. */
    static byte[] encode(LstmReference cell, int batch) {
        int in = cell.input, hid = cell.hidden;
        float[] w = new float[4 * hid * in];
        float[] r = new float[4 * hid * hid];
        float[] b = new float[8 * hid]; // [Wb; Rb], Rb stays zero
        for (int k = 0; k < 4; k++) {
            int gate = ONNX_GATE_ORDER[k];
            for (int row = 0; row < hid; row++) {
                int onnxRow = k * hid + row;
                for (int c = 0; c < in; c++) {
                    w[onnxRow * in + c] = cell.weight(gate, row, c);
                }
                for (int c = 0; c < hid; c++) {
                    r[onnxRow * hid + c] = cell.weight(gate, row, in + c);
                }
                b[onnxRow] = cell.b[gate * hid + row];
            }
        }

        ProtoWriter node = new ProtoWriter()
                .string(1, "X").string(1, "W").string(1, "R").string(1, "B")
                .string(1, "") // sequence_lens: absent, every sequence has length 1
                .string(1, "initial_h").string(1, "initial_c")
                .string(2, "") // Y: not needed for one step, Y_h is the same values
                .string(2, "Y_h").string(2, "Y_c")
                .string(3, "lstm")
                .string(4, "LSTM")
                .message(5, new ProtoWriter().string(1, "hidden_size").varint(3, hid).varint(20, ATTRIBUTE_INT));

        ProtoWriter graph = new ProtoWriter()
                .message(1, node)
                .string(2, "lstm_step")
                .message(5, tensor("W", w, 1, 4L * hid, in))
                .message(5, tensor("R", r, 1, 4L * hid, hid))
                .message(5, tensor("B", b, 1, 8L * hid))
                .message(11, valueInfo("X", 1, batch, in))
                .message(11, valueInfo("initial_h", 1, batch, hid))
                .message(11, valueInfo("initial_c", 1, batch, hid))
                .message(12, valueInfo("Y_h", 1, batch, hid))
                .message(12, valueInfo("Y_c", 1, batch, hid));

        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "forecaster-benchmarks")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
                .toByteArray();
    }

    private static ProtoWriter tensor(String name, float[] data, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        return t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    }

    private static ProtoWriter valueInfo(String name, long... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            shape.message(1, new ProtoWriter().varint(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
