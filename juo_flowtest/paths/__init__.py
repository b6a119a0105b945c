"""Every path of a workflow definition: the units coverage counts (transitions, end steps),
which of them can happen, and how observed run states map onto them."""
