package org.forecaster.trainer.schedule;

import java.util.List;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TbpttTrainer;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.train.TrainResult;

/** The training step of a run: core's {@link TbpttTrainer} in production; a seam for failure tests. */
@FunctionalInterface
public interface Training {

    /** Trains on {@code data} from {@code initial} (fine-tuning) or, when null, from a seeded initialisation. */
    TrainResult train(TrainConfig config, List<Series> data, float[] initial);

    static Training tbptt(Kernels kernels) {
        return (config, data, initial) -> {
            TbpttTrainer trainer = new TbpttTrainer(config, kernels);
            return initial == null ? trainer.train(data) : trainer.train(data, initial);
        };
    }
}
