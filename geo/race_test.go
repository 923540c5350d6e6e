//go:build race

package geo

// raceEnabled shortens the slow exhaustive tests under the race detector.
const raceEnabled = true
