from npu_bridge.npu_init import *
import keras

model = keras.models.load_model("m.h5")
model.fit_generator(gen, 100, 2, callbacks=npu_callbacks_append())
