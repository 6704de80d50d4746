"""socapi-gen: turns a schema folder (VK public-schema dialect plus a side
file) into C structs, descriptor tables and typed call functions."""
