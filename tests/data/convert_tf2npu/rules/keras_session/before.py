import tensorflow as tf
from tensorflow import keras

def main():
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile("sgd", "mse")

if __name__ == '__main__':
    main()  # train
