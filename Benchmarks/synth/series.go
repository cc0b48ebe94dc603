package main

// snapshot turns the profile into snapshot n (1, 2, ...) of a series taken a minute apart, for
// timing `pprof -growth`: the same program and stacks in every snapshot, n minutes after the
// fixed time, with the in-use values of one sample in ten (the "leak") multiplied by n and those
// of one in ten others (the "churn") going up and down from one snapshot to the next.
func (p *profile) snapshot(n int) {
	p.minutes = int64(n)
	for i := range p.samples {
		s := &p.samples[i]
		switch i % 10 {
		case 0:
			s.values[2] *= int64(n)
			s.values[3] *= int64(n)
		case 5:
			if n%2 == 0 {
				s.values[2] /= 2
				s.values[3] /= 2
			}
		}
	}
}
