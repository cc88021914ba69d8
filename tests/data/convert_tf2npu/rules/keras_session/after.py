from npu_bridge.npu_init import *
import tensorflow as tf
from tensorflow import keras

def main():
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile("sgd", "mse")

if __name__ == '__main__':
    npu_keras_sess = set_keras_session_npu_config()
    try:
        main()  # train
    finally:
        close_session(npu_keras_sess)
