import keras

model = keras.models.load_model("m.h5")
model.fit_generator(gen, 100, 2)
