import tensorflow as tf
from utils import check_available_gpus

devices = check_available_gpus()
