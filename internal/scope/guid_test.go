package scope

import "testing"

func TestIsGUID(t *testing.T) {
	for s, want := range map[string]bool{
		"8e3af657-a8ff-443c-a75c-2fe8c4bcb635":   true,
		"8E3AF657-A8FF-443C-A75C-2FE8C4BCB635":   true,
		"8e3af657a8ff443ca75c2fe8c4bcb635":       false,
		"{8e3af657-a8ff-443c-a75c-2fe8c4bcb635}": false,
		"8e3af657-a8ff-443c-a75c-2fe8c4bcb63g":   false,
		"8e3af657-a8ff-443c-a75c_2fe8c4bcb635":   false,
		"":                                       false,
		"urn:uuid:8e3af657-a8ff-443c-a75c-2fe8c": false,
	} {
		if got := IsGUID(s); got != want {
			t.Errorf("IsGUID(%q) = %v, want %v", s, got, want)
		}
	}
}
