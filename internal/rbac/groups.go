package rbac

// The group graph is kept both ways: parents (member -> groups) to compute a
// principal's transitive groups, children (group -> members) to find whose
// closures a membership change invalidates. Closures are precomputed so a
// check never walks the graph. Cycles are legal input (Entra forbids them,
// but a store could hold one): every walk keeps a visited set.

func (s *state) addEdge(group, member string) {
	if s.parents[member] == nil {
		s.parents[member] = make(map[string]struct{})
	}
	s.parents[member][group] = struct{}{}
	if s.children[group] == nil {
		s.children[group] = make(map[string]struct{})
	}
	s.children[group][member] = struct{}{}
}

func (s *state) removeEdge(group, member string) {
	if ps := s.parents[member]; ps != nil {
		delete(ps, group)
		if len(ps) == 0 {
			delete(s.parents, member)
		}
	}
	if cs := s.children[group]; cs != nil {
		delete(cs, member)
		if len(cs) == 0 {
			delete(s.children, group)
		}
	}
}

// recomputeClosure sets principal p's transitive groups by walking parents.
func (s *state) recomputeClosure(p string) {
	var groups []string
	seen := map[string]bool{p: true}
	stack := []string{p}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for g := range s.parents[n] {
			if !seen[g] {
				seen[g] = true
				groups = append(groups, g)
				stack = append(stack, g)
			}
		}
	}
	if len(groups) == 0 {
		delete(s.closure, p)
		return
	}
	s.closure[p] = groups
}

// descendants returns roots and every principal below them in the graph.
func (s *state) descendants(roots []string) []string {
	seen := make(map[string]bool, len(roots))
	var out []string
	stack := append([]string(nil), roots...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
		for m := range s.children[n] {
			if !seen[m] {
				stack = append(stack, m)
			}
		}
	}
	return out
}

// setMembers replaces group's direct members and recomputes the closures
// of those whose groups changed: members added or removed, and everyone
// below them. Members that stay are untouched, so adding one member to a
// large group costs what is below that member, not the group's size.
func (s *state) setMembers(group string, members []string) {
	next := make(map[string]struct{}, len(members))
	for _, m := range members {
		next[m] = struct{}{}
	}
	var affected []string
	for m := range s.children[group] {
		if _, ok := next[m]; !ok {
			affected = append(affected, m)
		}
	}
	for _, m := range affected {
		s.removeEdge(group, m)
	}
	for m := range next {
		if _, ok := s.children[group][m]; !ok {
			s.addEdge(group, m)
			affected = append(affected, m)
		}
	}
	for _, p := range s.descendants(affected) {
		s.recomputeClosure(p)
	}
}

// groupsOf returns the groups member is directly in.
func (s *state) groupsOf(member string) []string {
	out := make([]string, 0, len(s.parents[member]))
	for g := range s.parents[member] {
		out = append(out, g)
	}
	return out
}
