from ecs_lint.cli import main

main()
