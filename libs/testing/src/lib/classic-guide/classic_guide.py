"""The original Python design guide's code, copied verbatim (sections 2-6: provider
configuration, producer, base consumer, results aggregation, consensus orchestration), so tests can
run consumers and a consensus client written exactly as the guide shows against streamscribe.

Only what the guide leaves abstract is filled in, below the copied code: a consumer whose
transcribe_audio answers without a model (the guide's Deepgram and Whisper consumers need their
SDKs), and a command line. Needs Debian's python3-redis (redis-py 4.3).

    python3 -u classic_guide.py consume <provider> <redis_port>
    python3 -u classic_guide.py consensus <redis_port> <session_id> <wav_path> <provider>...
"""

# ---- copied from the guide, unchanged -------------------------------------------------------

from dataclasses import dataclass
from enum import Enum
from typing import List, Optional
import redis
import time
import uuid
import json

class TranscriptionProvider(Enum):
    DEEPGRAM = "deepgram"
    WHISPER = "whisper"
    PARAKEET = "parakeet"
    ASSEMBLYAI = "assemblyai"

@dataclass
class AudioChunk:
    data: bytes
    session_id: str
    chunk_id: str
    timestamp: float
    preferred_provider: Optional[TranscriptionProvider] = None
    fallback_providers: Optional[List[TranscriptionProvider]] = None
    real_time_required: bool = False
    accuracy_critical: bool = False
    cost_sensitive: bool = False

@dataclass
class TranscriptionResult:
    text: str
    confidence: float
    provider: str
    processing_time: float
    chunk_id: str
    session_id: str

class AudioStreamProducer:
    def __init__(self, redis_host='localhost', redis_port=6379):
        self.redis_client = redis.Redis(host=redis_host, port=redis_port, decode_responses=True)
    
    def add_audio_chunk(self, chunk: AudioChunk):
        """Add audio chunk to appropriate provider stream"""
        provider = self.select_optimal_provider(chunk)
        
        stream_name = f"audio:stream:{provider.value}"
        
        # Prepare chunk data for Redis
        chunk_data = {
            "chunk_data": chunk.data.hex(),  # Convert bytes to hex string
            "session_id": chunk.session_id,
            "chunk_id": chunk.chunk_id,
            "timestamp": chunk.timestamp,
            "real_time_required": str(chunk.real_time_required),
            "accuracy_critical": str(chunk.accuracy_critical),
            "cost_sensitive": str(chunk.cost_sensitive),
            "fallback_providers": ",".join([p.value for p in chunk.fallback_providers or []])
        }
        
        # Add to stream
        message_id = self.redis_client.xadd(stream_name, chunk_data)
        
        print(f"Added chunk {chunk.chunk_id} to {provider.value} stream: {message_id}")
        return message_id
    
    def select_optimal_provider(self, chunk: AudioChunk) -> TranscriptionProvider:
        """Intelligent provider selection"""
        
        # Explicit preference
        if chunk.preferred_provider:
            return chunk.preferred_provider
        
        # Real-time requirements → Deepgram (lowest latency)
        if chunk.real_time_required:
            return TranscriptionProvider.DEEPGRAM
        
        # High accuracy requirements → Whisper (highest accuracy)
        if chunk.accuracy_critical:
            return TranscriptionProvider.WHISPER
        
        # Cost optimization → Whisper (self-hosted)
        if chunk.cost_sensitive:
            return TranscriptionProvider.WHISPER
        
        # Load balancing - use least busy provider
        return self.get_least_loaded_provider()
    
    def get_least_loaded_provider(self) -> TranscriptionProvider:
        """Select provider with shortest queue"""
        queue_lengths = {}
        
        for provider in TranscriptionProvider:
            stream_name = f"audio:stream:{provider.value}"
            try:
                length = self.redis_client.xlen(stream_name)
                queue_lengths[provider] = length
            except:
                queue_lengths[provider] = 0
        
        return min(queue_lengths, key=queue_lengths.get)

import os
import threading
from abc import ABC, abstractmethod

class BaseTranscriptionConsumer(ABC):
    def __init__(self, provider_name: str, redis_host='localhost', redis_port=6379):
        self.provider_name = provider_name
        self.redis_client = redis.Redis(host=redis_host, port=redis_port, decode_responses=True)
        self.stream_name = f"audio:stream:{provider_name}"
        self.group_name = f"{provider_name}_workers"
        self.consumer_name = f"{provider_name}-worker-{os.getpid()}"
        
        # Create consumer group
        try:
            self.redis_client.xgroup_create(
                self.stream_name, 
                self.group_name, 
                "0", 
                mkstream=True
            )
        except redis.exceptions.ResponseError:
            pass  # Group already exists
    
    @abstractmethod
    def transcribe_audio(self, audio_data: bytes) -> TranscriptionResult:
        """Implement provider-specific transcription"""
        pass
    
    def start_consuming(self):
        """Start consuming messages from the stream"""
        print(f"Starting {self.provider_name} consumer: {self.consumer_name}")
        
        while True:
            try:
                messages = self.redis_client.xreadgroup(
                    self.group_name,
                    self.consumer_name,
                    {self.stream_name: ">"},
                    count=1,
                    block=1000
                )
                
                for stream, msgs in messages:
                    for message_id, fields in msgs:
                        self.process_message(message_id, fields)
                        
            except Exception as e:
                print(f"Error in {self.provider_name} consumer: {e}")
                time.sleep(1)
    
    def process_message(self, message_id: str, fields: dict):
        """Process a single message"""
        try:
            start_time = time.time()
            
            # Convert hex string back to bytes
            audio_data = bytes.fromhex(fields['chunk_data'])
            
            # Transcribe
            result = self.transcribe_audio(audio_data)
            result.chunk_id = fields['chunk_id']
            result.session_id = fields['session_id']
            result.provider = self.provider_name
            result.processing_time = time.time() - start_time
            
            # Store result
            self.store_result(result)
            
            # Acknowledge message
            self.redis_client.xack(self.group_name, self.stream_name, message_id)
            
            print(f"Processed {fields['chunk_id']} with {self.provider_name}")
            
        except Exception as e:
            print(f"Failed to process {fields['chunk_id']} with {self.provider_name}: {e}")
            self.handle_failure(fields, str(e))
    
    def store_result(self, result: TranscriptionResult):
        """Store transcription result"""
        result_data = {
            "text": result.text,
            "confidence": result.confidence,
            "provider": result.provider,
            "processing_time": result.processing_time,
            "chunk_id": result.chunk_id,
            "session_id": result.session_id,
            "timestamp": time.time()
        }
        
        # Store in results stream
        self.redis_client.xadd(
            f"transcription:results:{result.session_id}",
            result_data
        )
        
        # Also store in global results stream for monitoring
        self.redis_client.xadd("transcription:results:all", result_data)
    
    def handle_failure(self, fields: dict, error: str):
        """Handle transcription failure with fallback"""
        fallback_providers = fields.get('fallback_providers', '').split(',')
        fallback_providers = [p for p in fallback_providers if p and p != self.provider_name]
        
        if not fallback_providers:
            fallback_providers = self.get_default_fallback_chain()
        
        if fallback_providers:
            next_provider = fallback_providers[0]
            
            # Route to fallback provider
            fallback_data = {
                **fields,
                "original_provider": self.provider_name,
                "retry_count": str(int(fields.get("retry_count", "0")) + 1),
                "fallback_providers": ",".join(fallback_providers[1:]),
                "error_history": f"{fields.get('error_history', '')};{self.provider_name}:{error}"
            }
            
            self.redis_client.xadd(f"audio:stream:{next_provider}", fallback_data)
            
        # Log failure
        self.redis_client.xadd(
            "transcription:failures",
            {
                "failed_provider": self.provider_name,
                "chunk_id": fields['chunk_id'],
                "error": error,
                "timestamp": time.time()
            }
        )
    
    def get_default_fallback_chain(self):
        """Default fallback chain for this provider"""
        fallback_chains = {
            "deepgram": ["whisper", "assemblyai"],
            "whisper": ["deepgram", "assemblyai"],
            "parakeet": ["whisper", "deepgram"],
            "assemblyai": ["deepgram", "whisper"]
        }
        return fallback_chains.get(self.provider_name, ["whisper"])

class TranscriptionResultsConsumer:
    def __init__(self, redis_host='localhost', redis_port=6379):
        self.redis_client = redis.Redis(host=redis_host, port=redis_port, decode_responses=True)
    
    def get_session_results(self, session_id: str, wait_timeout: int = 30):
        """Get all transcription results for a session"""
        stream_name = f"transcription:results:{session_id}"
        
        try:
            # Read all messages from the beginning
            messages = self.redis_client.xrange(stream_name)
            
            results = []
            for message_id, fields in messages:
                results.append({
                    "message_id": message_id,
                    "text": fields['text'],
                    "confidence": float(fields['confidence']),
                    "provider": fields['provider'],
                    "processing_time": float(fields['processing_time']),
                    "chunk_id": fields['chunk_id'],
                    "timestamp": float(fields['timestamp'])
                })
            
            # Sort by chunk_id or timestamp
            results.sort(key=lambda x: x['timestamp'])
            return results
            
        except Exception as e:
            print(f"Error getting results for session {session_id}: {e}")
            return []
    
    def get_realtime_results(self, session_id: str, last_id: str = "0"):
        """Get new results since last_id for real-time streaming"""
        stream_name = f"transcription:results:{session_id}"
        
        try:
            messages = self.redis_client.xread({stream_name: last_id}, count=10, block=1000)
            
            results = []
            new_last_id = last_id
            
            for stream, msgs in messages:
                for message_id, fields in msgs:
                    results.append({
                        "message_id": message_id,
                        "text": fields['text'],
                        "confidence": float(fields['confidence']),
                        "provider": fields['provider'],
                        "chunk_id": fields['chunk_id']
                    })
                    new_last_id = message_id
            
            return results, new_last_id
            
        except Exception as e:
            print(f"Error getting realtime results: {e}")
            return [], last_id

class MultiProviderOrchestrator:
    def __init__(self, redis_host='localhost', redis_port=6379):
        self.producer = AudioStreamProducer(redis_host, redis_port)
        self.results_consumer = TranscriptionResultsConsumer(redis_host, redis_port)
        self.redis_client = redis.Redis(host=redis_host, port=redis_port, decode_responses=True)
    
    def transcribe_with_consensus(self, audio_data: bytes, session_id: str, providers: List[TranscriptionProvider] = None):
        """Send same audio to multiple providers for consensus"""
        if not providers:
            providers = [TranscriptionProvider.DEEPGRAM, TranscriptionProvider.WHISPER]
        
        correlation_id = str(uuid.uuid4())
        chunk_id = f"consensus_{correlation_id}"
        
        # Send to multiple providers
        for provider in providers:
            chunk = AudioChunk(
                data=audio_data,
                session_id=f"{session_id}_consensus_{correlation_id}",
                chunk_id=chunk_id,
                timestamp=time.time(),
                preferred_provider=provider
            )
            self.producer.add_audio_chunk(chunk)
        
        return correlation_id
    
    def get_consensus_result(self, correlation_id: str, timeout: int = 30):
        """Wait for and aggregate consensus results"""
        session_id = f"*_consensus_{correlation_id}"
        
        # Wait for results from all providers
        start_time = time.time()
        results = []
        
        while len(results) < 2 and (time.time() - start_time) < timeout:
            # Check for new results
            all_results = self.redis_client.keys(f"transcription:results:*_consensus_{correlation_id}")
            
            for result_stream in all_results:
                session_results = self.results_consumer.get_session_results(result_stream.split(':')[-1])
                results.extend(session_results)
            
            if len(results) < 2:
                time.sleep(0.5)
        
        if len(results) >= 2:
            return self.select_best_consensus_result(results)
        
        return results[0] if results else None
    
    def select_best_consensus_result(self, results: List[dict]) -> dict:
        """Select best result from consensus"""
        # Simple strategy: highest confidence
        return max(results, key=lambda x: x['confidence'])

# ---- filled in for tests --------------------------------------------------------------------

class ClassicEchoConsumer(BaseTranscriptionConsumer):
    """A guide-style consumer: the guide's base class, a transcribe_audio that needs no model."""

    def transcribe_audio(self, audio_data: bytes) -> TranscriptionResult:
        return TranscriptionResult(
            text=f"classic {self.provider_name} heard {len(audio_data)} bytes",
            confidence=0.9,
            provider=self.provider_name,
            processing_time=0,
            chunk_id="",
            session_id=""
        )


if __name__ == "__main__":
    import sys
    if sys.argv[1] == "consume":
        ClassicEchoConsumer(sys.argv[2], redis_port=int(sys.argv[3])).start_consuming()
    elif sys.argv[1] == "consensus":
        port, session_id, wav_path, providers = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
        orchestrator = MultiProviderOrchestrator(redis_port=port)
        with open(wav_path, "rb") as f:
            audio = f.read()
        correlation_id = orchestrator.transcribe_with_consensus(
            audio, session_id, [TranscriptionProvider(p) for p in providers]
        )
        best = orchestrator.get_consensus_result(correlation_id, timeout=30)
        per_provider = orchestrator.results_consumer.get_session_results(
            f"{session_id}_consensus_{correlation_id}"
        )
        print("CONSENSUS " + json.dumps({"best": best, "results": per_provider}), flush=True)
