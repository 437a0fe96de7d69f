import OrchestraWorker

WorkerCommand.main()
