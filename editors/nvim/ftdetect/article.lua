-- Article files of accord: `*.article` (a workspace's accord.toml may add other globs;
-- map those with vim.filetype.add in your own config).
vim.filetype.add({ extension = { article = 'article' } })
