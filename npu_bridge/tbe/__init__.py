"""TBE (AI Core kernel library) ops exposed by upstream: deformable convolution, LAMB, PReLU."""
